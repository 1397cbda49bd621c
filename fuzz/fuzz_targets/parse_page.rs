//! Any bytes as the list endpoint's or the single-message endpoint's answer:
//! the parser returns an error or a value, and a value converts into domain
//! types without panicking.

use szchat::api::wire::{MessageDto, PageDto};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(dto) = serde_json::from_slice::<PageDto>(data) {
            let count = dto.messages.len();
            let page = dto.into_page(0, 50);
            assert_eq!(page.messages.len(), count);
            for message in &page.messages {
                let _ = message.sender.display_name();
                let _ = message.sort_key();
            }
        }
        if let Ok(dto) = serde_json::from_slice::<MessageDto>(data) {
            let message = dto.into_message();
            assert!(message.file_url.as_deref().is_none_or(|u| !u.trim().is_empty()));
            let _ = message.sender.display_name();
        }
    });
}
