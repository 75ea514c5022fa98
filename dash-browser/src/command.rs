//! WebDriver commands fantoccini has no method for, sent through its custom-command hook.

use http::Method;
use serde_json::Value;
use url::{ParseError, Url};

/// A command on the current session: `method /session/{id}/{path}` with an optional JSON body.
#[derive(Debug)]
pub(crate) struct SessionCommand {
    method: Method,
    path: String,
    body: Option<Value>,
}

impl SessionCommand {
    /// `GET /session/{id}/{path}`.
    pub(crate) fn get(path: String) -> Self {
        Self {
            method: Method::GET,
            path,
            body: None,
        }
    }

    /// `POST /session/{id}/{path}` with `body`.
    pub(crate) fn post(path: String, body: Value) -> Self {
        Self {
            method: Method::POST,
            path,
            body: Some(body),
        }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(Value::to_string),
        )
    }
}
