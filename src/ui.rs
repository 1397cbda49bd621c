//! Terminal views. Everything here is painting: it borrows the state and
//! draws into a buffer the lines the text layer (`text`) built, with no I/O.

pub mod color;
pub mod conversation;
pub mod detail;
pub mod error_detail;
pub mod figures_panel;
pub mod filter_menu;
pub mod help;
pub mod hyperlink;
pub mod matches;
pub mod picker;
pub mod picture;
pub mod preview;
pub mod profile;
pub mod prompt;
pub mod status_bar;
pub mod text_box;

use ratatui::Frame;

use crate::geometry::ScreenLayout;
use crate::state::{AppState, JUMP_EXAMPLES, Overlay};
use color::Colors;

/// Draws the whole screen from the state, which it only reads, in colour.
pub fn draw(frame: &mut Frame, state: &AppState) {
    draw_with(frame, state, Colors::On);
}

/// Draws the whole screen from the state with `colors`.
pub fn draw_with(frame: &mut Frame, state: &AppState, colors: Colors) {
    let ScreenLayout {
        conversation,
        status,
        panel,
    } = ScreenLayout::within(frame.area(), state.side_panel());
    frame.render_widget(conversation::ConversationView::new(state), conversation);
    frame.render_widget(
        status_bar::StatusBar::new(state).with_colors(colors),
        status,
    );
    for overlay in state.overlays().iter() {
        match overlay {
            Overlay::Help(scroll) => frame.render_widget(
                help::HelpOverlay {
                    scroll: scroll.offset(),
                },
                conversation,
            ),
            Overlay::Error { text, scroll } => frame.render_widget(
                error_detail::ErrorDetail {
                    text,
                    log_file: state.log_file(),
                    scroll: scroll.offset(),
                },
                conversation,
            ),
            Overlay::Jump(typed) => {
                let hint = format!("{JUMP_EXAMPLES} · Enter jumps · Esc cancels ");
                let line = prompt::PromptLine::new(":", typed.text(), &hint);
                frame.set_cursor_position(line.cursor(status));
                frame.render_widget(line, status);
            }
            Overlay::Search(typed) => {
                let hint = "Enter searches · Esc cancels ";
                let line = prompt::PromptLine::new("/", typed.text(), hint);
                frame.set_cursor_position(line.cursor(status));
                frame.render_widget(line, status);
            }
            Overlay::Save { prompt, .. } => {
                let hint = "Enter saves · Esc cancels ";
                let line = prompt::PromptLine::new("save to: ", prompt.text(), hint);
                frame.set_cursor_position(line.cursor(status));
                frame.render_widget(line, status);
            }
            Overlay::Replace { path, free, .. } => {
                let name = |path: &std::path::Path| {
                    let name = path.file_name().unwrap_or(path.as_os_str());
                    crate::sanitize::sanitize_line(&name.to_string_lossy())
                };
                let question = format!("{} exists: replace it? ", name(path));
                let hint = format!(
                    "y replaces · n edits the name ({} is free) · Esc cancels ",
                    name(free)
                );
                let line = prompt::PromptLine::new(&question, "", &hint);
                frame.set_cursor_position(line.cursor(status));
                frame.render_widget(line, status);
            }
            Overlay::Picture(id) => {
                frame.render_widget(picture::PictureOverlay { state, id: *id }, conversation);
            }
            Overlay::Detail(detail) => {
                frame.render_widget(detail::DetailOverlay::new(state, detail), conversation);
            }
            Overlay::Filter(menu) => {
                frame.render_widget(filter_menu::FilterMenuBox { menu }, conversation);
            }
            Overlay::Figures { scroll, beside } => frame.render_widget(
                figures_panel::FiguresPanel {
                    state,
                    scroll: scroll.offset(),
                    beside: *beside,
                },
                if *beside { panel } else { conversation },
            ),
            Overlay::Profile {
                scroll,
                beside,
                field,
            } => frame.render_widget(
                profile::ProfilePanel {
                    state,
                    scroll: scroll.offset(),
                    field: field.index(),
                    beside: *beside,
                },
                if *beside { panel } else { conversation },
            ),
        }
    }
    if colors == Colors::Off {
        color::strip(frame.buffer_mut());
    }
}
