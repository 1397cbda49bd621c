//! The transcript's only styling, inline (the page's CSP allows nothing
//! else): readable on screen, and printed without a message cut across
//! two pages where that can be helped.

/// Screen and print rules.
pub const CSS: &str = r#"
:root { color-scheme: light; --visitor: #1f5fa8; --operator: #2e7d32; --muted: #666; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  background: #fff; max-width: 54rem; margin: 0 auto; padding: 1.5rem; }
header.transcript { border-bottom: 2px solid #ddd; margin-bottom: 1rem; }
header.transcript h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
header.transcript dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
header.transcript dt { color: var(--muted); }
header.transcript dd { margin: 0; overflow-wrap: anywhere; }
h2.day { font-size: .95rem; color: var(--muted); text-align: center; margin: 1.5rem 0 .75rem;
  border-top: 1px solid #e4e4e4; padding-top: .5rem; }
article.message { border-left: 4px solid #ccc; padding: .35rem .75rem; margin: .5rem 0; }
article.visitor { border-color: var(--visitor); }
article.operator { border-color: var(--operator); background: #f6faf6; }
article.auto-invitation { font-style: italic; }
article.unreadable { border-color: #c9a400; color: var(--muted); font-style: italic; }
.meta { font-size: .85rem; color: var(--muted); }
.meta .sender { font-weight: 600; }
article.visitor .sender { color: var(--visitor); }
article.operator .sender { color: var(--operator); }
.meta .unseen { color: #b3261e; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: .15rem; }
.body a { color: #0b57d0; }
figure.attachment { margin: .5rem 0 0; }
figure.attachment img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figure.attachment figcaption, p.attachment { font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  article.message, figure.attachment { break-inside: avoid; page-break-inside: avoid; }
  h2.day { break-after: avoid; page-break-after: avoid; }
  article.operator { background: none; }
  .body a { color: inherit; }
}
"#;
