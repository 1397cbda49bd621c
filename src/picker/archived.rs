//! The visitor list offline (`--offline` without a USER_ID): every visitor
//! the archive holds, newest activity first, from one read of the store and
//! no request at all.

use super::{ListLoad, Listed, PickerEffect, PickerState, RowText, search_key};
use crate::archive::ArchiveError;
use crate::archive::store::ArchivedVisitor;
use crate::archive::task::StoreRequest;

impl PickerState {
    /// From here on the list comes from the archive: nothing is fetched,
    /// `start` (and `Ctrl-r`) asks the store instead.
    pub fn go_offline(&mut self) {
        self.offline = true;
    }

    /// Whether the list comes from the archive.
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// Asks the store for every archived visitor.
    pub(super) fn start_offline(&mut self) -> Vec<PickerEffect> {
        self.visitors.clear();
        self.refilter();
        self.load = ListLoad::Loading;
        self.dirty = true;
        vec![PickerEffect::Store(StoreRequest::Visitors)]
    }

    /// The store's answer: the archived visitors, in the store's order
    /// (newest activity first), the whole list at once.
    pub fn archived(&mut self, result: Result<Vec<ArchivedVisitor>, ArchiveError>) {
        self.dirty = true;
        let archived = match result {
            Ok(archived) => archived,
            Err(error) => {
                self.load = ListLoad::Failed(format!("the archive cannot be read: {error}"));
                return;
            }
        };
        self.visitors = archived
            .into_iter()
            .map(|archived| Listed {
                key: search_key(&archived.visitor),
                row: RowText::of(&archived.visitor),
                visitor: archived.visitor,
                unreadable: None,
            })
            .collect();
        self.total = Some(self.visitors.len() as u64);
        self.load = ListLoad::Complete;
        self.refilter();
    }
}
