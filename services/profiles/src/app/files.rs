//! Files that answer a form's file question: a startup uploads a PDF (at most
//! `MAX_FILE_BYTES`, checked to be a PDF by its signature, stored as bytes and never opened),
//! names it in an answer, and the organisation its application goes to may download it. A
//! reviewer in a blind round may not (a pitch deck names the startup).

use super::{Actor, App, AppError};
use crate::files::{self, MAX_FILES_PER_OWNER, StoredFile};
use crocevia_api::{FileView, wire};
use crocevia_domain::Role;
use crocevia_domain::form::MAX_FILE_BYTES;
use sha2::Digest;
use uuid::Uuid;

/// A file and its bytes, as a download carries them (base64 on the internal wire).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileContent {
    pub file: FileView,
    pub media_type: String,
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

/// Bytes as base64 in JSON (the internal call of the distributed mode).
pub mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A file name fit to store and to send back in a header: no path, no control or quote
/// characters, at most 120 characters, ending in `.pdf`.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\')).take(120).collect();
    clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        clean = "document".into();
    }
    if !clean.to_lowercase().ends_with(".pdf") {
        clean.push_str(".pdf");
    }
    clean
}

fn view(f: &StoredFile) -> FileView {
    FileView { id: wire::id(f.id), name: f.name.clone(), bytes: f.bytes as f64, sha256: f.sha256.clone() }
}

impl App {
    /// Stores a startup's PDF for a form's file question.
    pub async fn upload_file(&self, actor: &Actor, name: String, content: Vec<u8>) -> Result<FileView, AppError> {
        let user = actor.require()?;
        if user.role != Role::Startup {
            return Err(AppError::forbidden("startups upload files to answer programmes' forms"));
        }
        if content.is_empty() {
            return Err(AppError::invalid("file", "is empty"));
        }
        if content.len() > MAX_FILE_BYTES as usize {
            return Err(AppError::invalid("file", format!("is larger than {MAX_FILE_BYTES} bytes (10 MiB)")));
        }
        // The signature, not the name or the declared type, says what it is.
        if !content.starts_with(b"%PDF-") {
            return Err(AppError::invalid("file", "must be a PDF"));
        }
        let work = self.profiles.work().await?;
        if files::count_of(work.txn(), user.id.as_uuid()).await? >= MAX_FILES_PER_OWNER {
            return Err(AppError::Refused {
                field: "file".into(),
                message: format!("you hold {MAX_FILES_PER_OWNER} files already"),
                reasons: vec![],
            });
        }
        let stored = StoredFile {
            id: Uuid::now_v7(),
            owner_id: user.id.as_uuid(),
            name: clean_name(&name),
            media_type: "application/pdf".into(),
            bytes: i64::try_from(content.len()).unwrap_or(i64::MAX),
            sha256: hex::encode(sha2::Sha256::digest(&content)),
            content,
            application_id: None,
            uploaded_at: chrono::Utc::now(),
        };
        let out = view(&stored);
        files::insert(work.txn(), stored).await?;
        work.commit().await?;
        Ok(out)
    }

    /// A file for its uploader, administrators, and the organisation whose offer or programme
    /// received the application that submitted it (not a reviewer in a blind round).
    pub async fn file(&self, actor: &Actor, id: Uuid) -> Result<FileContent, AppError> {
        let user = actor.require()?;
        let file =
            files::get(self.profiles.db(), id).await?.ok_or_else(|| AppError::not_found("no file has this id"))?;
        let mut allowed = actor.is_admin() || file.owner_id == user.id.as_uuid();
        if !allowed && let Some(application) = file.application_id {
            allowed = match self.application(actor, application).await {
                Ok((_, _, relation)) => relation.organisation,
                Err(AppError::Forbidden(_) | AppError::NotFound(_)) => false,
                Err(e) => return Err(e),
            };
        }
        if !allowed {
            return Err(AppError::forbidden("this file belongs to someone else"));
        }
        Ok(FileContent { file: view(&file), media_type: file.media_type.clone(), content: file.content })
    }

    /// The size of the actor's own file `id`, to answer a file question with it.
    pub(super) async fn own_file_size(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        owner: Uuid,
        field: &str,
        id: Uuid,
    ) -> Result<u64, AppError> {
        match files::get(conn, id).await? {
            Some(f) if f.owner_id == owner => Ok(u64::try_from(f.bytes).unwrap_or(0)),
            _ => Err(AppError::invalid(field, "names no file you uploaded")),
        }
    }
}

/// The ids of the files an application's answers name.
pub(super) fn files_of(answers: &[crocevia_domain::Answer]) -> Vec<Uuid> {
    answers
        .iter()
        .filter_map(|a| match a.value {
            crocevia_domain::AnswerValue::File { id, .. } => Some(id),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_lose_paths_and_header_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(clean_name("C:\\deck\"; x=1.pdf"), "deck x=1.pdf");
        assert_eq!(clean_name(""), "document.pdf");
        assert_eq!(clean_name("Pitch 2027.PDF"), "Pitch 2027.PDF");
    }
}
