//! Saving attachments: `s` asks where (a path prompt, the attachment's
//! sanitised name in the download folder suggested), the fetch task writes
//! the file through a fresh link, and its progress and outcome come back
//! here. A name that is taken asks before anything is replaced.

use std::path::{Path, PathBuf};

use super::prompt::Prompt;
use super::{AppState, Effect, Overlay, Status, StatusKind, StatusTopic};
use crate::attachment::file_name_only;
use crate::attachment::save::{
    Progress, SaveError, SaveRequest, Saved, download_dir, suggested_path,
};
use crate::fetch::FetchRequest;
use crate::model::MessageId;
use crate::numbers::byte_size;
use crate::sanitize::sanitize_line;

/// Where attachments are suggested to go, and the save under way.
#[derive(Debug, Default)]
pub(super) struct Saves {
    /// The folder suggested; `None`: the download folder, looked up at
    /// each `s` (see [`download_dir`]).
    dir: Option<PathBuf>,
    current: Option<Current>,
}

/// The save under way: one at a time, so its progress is never mixed up.
#[derive(Debug)]
struct Current {
    id: MessageId,
    /// The file's name as the status bar shows it.
    name: String,
    progress: Option<Progress>,
}

impl Saves {
    /// True while a save is under way.
    pub(super) fn busy(&self) -> bool {
        self.current.is_some()
    }

    /// What the status bar says of the save under way: "saving NAME…",
    /// with how much is written once there is more than a little.
    pub(super) fn activity(&self) -> Option<String> {
        let current = self.current.as_ref()?;
        let done = match current.progress {
            None => String::new(),
            Some(Progress {
                written,
                total: Some(total),
            }) => format!(" {} of {}", byte_size(written), byte_size(total)),
            Some(Progress {
                written,
                total: None,
            }) => format!(" {}", byte_size(written)),
        };
        Some(format!("saving {}…{done}", current.name))
    }
}

/// The name of the file at `path`, fit for the status bar.
fn shown_name(path: &Path) -> String {
    let name = path.file_name().unwrap_or(path.as_os_str());
    sanitize_line(&name.to_string_lossy())
}

fn save_status(kind: StatusKind, text: String) -> Status {
    Status::about(StatusTopic::Link, kind, text)
}

/// Saving, as the app state drives it.
impl AppState {
    /// The same state, suggesting attachments be saved into `dir` rather
    /// than the download folder.
    #[must_use]
    pub fn with_download_dir(mut self, dir: PathBuf) -> Self {
        self.saves.dir = Some(dir);
        self
    }

    /// `s`: asks where to save the selected message's attachment.
    pub(super) fn ask_save_path(&mut self) {
        let selected = self.viewport.selected();
        let Some(message) = selected.and_then(|id| self.conversation.get(id)) else {
            self.set_status(Status::info("no message selected"));
            return;
        };
        let Some(link) = message.file_url.as_deref() else {
            self.set_status(Status::info("this message has no attachment"));
            return;
        };
        if let Some(current) = &self.saves.current {
            let text = format!("already saving {}", current.name);
            self.set_status(Status::info(text));
            return;
        }
        let dir = self.saves.dir.clone().unwrap_or_else(download_dir);
        let path = suggested_path(&dir, &file_name_only(link));
        let id = message.id;
        self.open_path_prompt(id, &path);
    }

    /// Opens the save prompt for message `id`, holding `path`.
    fn open_path_prompt(&mut self, id: MessageId, path: &Path) {
        let prompt = Prompt::path(&path.to_string_lossy());
        self.open_overlay(Overlay::Save { id, prompt });
    }

    /// Enter in the save prompt: saves message `id`'s attachment at `typed`.
    pub(super) fn start_save(
        &mut self,
        id: MessageId,
        typed: &str,
        replace: bool,
    ) -> Option<Effect> {
        if typed.trim().is_empty() {
            self.set_status(Status::info("not saved: no file name given"));
            return None;
        }
        let path = PathBuf::from(typed);
        self.saves.current = Some(Current {
            id,
            name: shown_name(&path),
            progress: None,
        });
        let request = SaveRequest { id, path, replace };
        Some(Effect::Fetch(FetchRequest::Save(request)))
    }

    /// An answer to the "replace?" question: `y` replaces, `n` goes back
    /// to the prompt with the first free numbered name.
    pub(super) fn answer_replace(
        &mut self,
        id: MessageId,
        path: &Path,
        free: &Path,
        replace: bool,
    ) -> Option<Effect> {
        if replace {
            self.start_save(id, &path.to_string_lossy(), true)
        } else {
            self.open_path_prompt(id, free);
            None
        }
    }

    /// The fetch task wrote more of the file.
    pub(super) fn save_progressed(&mut self, id: MessageId, progress: Progress) {
        if let Some(current) = self.saves.current.as_mut().filter(|c| c.id == id) {
            current.progress = Some(progress);
            self.dirty = true;
        }
    }

    /// The fetch task finished a save, or could not make it.
    pub(super) fn saved(&mut self, request: &SaveRequest, result: Result<Saved, SaveError>) {
        let name = shown_name(&request.path);
        self.saves.current = None;
        match result {
            Ok(saved) => {
                let text = format!(
                    "saved {name} ({}) to {}",
                    byte_size(saved.bytes),
                    sanitize_line(&saved.path.to_string_lossy())
                );
                self.set_status(save_status(StatusKind::Info, text));
            }
            Err(SaveError::Exists { path, free }) => {
                self.open_overlay(Overlay::Replace {
                    id: request.id,
                    path,
                    free,
                    replace: false,
                });
            }
            Err(error) => {
                let text = format!("could not save {name}: {error}");
                self.set_status(save_status(StatusKind::Error, sanitize_line(&text)));
            }
        }
    }
}
