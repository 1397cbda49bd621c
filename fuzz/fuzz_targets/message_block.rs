//! The whole way from untrusted JSON to terminal cells: the first byte picks
//! a width, the rest is a message object as the API would send it. Whatever
//! it holds, every rendered line fits the width and carries no character a
//! terminal would act on.

use szchat::api::wire::MessageDto;
use szchat::sanitize::is_unsafe_char;
use szchat::timefmt::LocalZone;
use szchat::text::message_block::message_lines;
use szchat::wrap::display_width;

fn main() {
    let zone = LocalZone::utc();
    afl::fuzz!(|data: &[u8]| {
        let Some((&first, rest)) = data.split_first() else {
            return;
        };
        let Ok(dto) = serde_json::from_slice::<MessageDto>(rest) else {
            return;
        };
        let width = u16::from(first);
        let message = dto.into_message();
        for line in message_lines(&message, width, &zone) {
            let cells: usize = line.spans.iter().map(|s| display_width(&s.content)).sum();
            assert!(cells <= usize::from(width.max(1)), "{line:?} wider than {width}");
            for span in &line.spans {
                assert!(!span.content.chars().any(|c| c == '\n' || is_unsafe_char(c)), "{span:?}");
            }
        }
    });
}
