//! A guard between the client's stdio and the protocol library.
//!
//! tower-lsp-server stops reading at the first message it cannot decode (its framed reader ends
//! after a decoder error), so one malformed message from a client would end the whole server. It
//! also never answers requests whose method starts with `$/`, which LSP says must be answered with
//! MethodNotFound, so such a request would leave the client waiting forever. The guard reads the
//! framing itself, answers what is malformed with the JSON-RPC error, and hands only messages the
//! library decodes on to it. Everything the client sees goes through one writer, a whole message at
//! a time, so the guard's answers never interleave with the library's.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream,
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Request, Response};

const PIPE_CAPACITY: usize = 1 << 16;
/// Header lines are short; a longer line is garbage, read in pieces of this size.
const MAX_HEADER_LINE: u64 = 8 * 1024;
/// A message larger than this is skipped with an error instead of being held in memory: far above
/// any real document (the analyses refuse files over 16 MiB anyway).
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// The library's side of the guarded stdio, and the task that writes to the client.
pub struct Guarded {
    /// What the library reads: only messages it can decode.
    pub input: DuplexStream,
    /// Where the library writes its messages.
    pub output: DuplexStream,
    /// Writes to the client; ends once the library's output is closed and written.
    pub writer: JoinHandle<()>,
}

/// Waits (briefly) until everything the library wrote has reached the client.
pub async fn flush(writer: JoinHandle<()>) {
    let _ = tokio::time::timeout(Duration::from_secs(1), writer).await;
}

enum Outgoing {
    /// One whole message body.
    Message(Vec<u8>),
    /// The library closed its output.
    End,
}

/// Guards the process's stdin and stdout.
pub fn stdio() -> Guarded {
    guard(tokio::io::stdin(), tokio::io::stdout())
}

pub fn guard<R, W>(client_in: R, client_out: W) -> Guarded
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (input, feed) = tokio::io::duplex(PIPE_CAPACITY);
    let (output, drain) = tokio::io::duplex(PIPE_CAPACITY);
    let (outgoing, queue) = unbounded_channel();
    tokio::spawn(read_client(client_in, feed, outgoing.clone()));
    tokio::spawn(read_library(drain, outgoing));
    let writer = tokio::spawn(write_client(queue, client_out));
    Guarded {
        input,
        output,
        writer,
    }
}

fn error_response(id: Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id});
    body.to_string().into_bytes()
}

/// What to do with one message body from the client.
enum Verdict {
    Forward,
    Answer(Vec<u8>),
}

fn judge(body: &[u8]) -> Verdict {
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        return match request.id() {
            Some(id) if request.method().starts_with("$/") => {
                let id = serde_json::to_value(id).unwrap_or(Value::Null);
                Verdict::Answer(error_response(id, METHOD_NOT_FOUND, "Method not found"))
            }
            _ => Verdict::Forward,
        };
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Verdict::Forward;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            // JSON-RPC: the id of the invalid request when it can be read, null otherwise.
            let id = value
                .get("id")
                .filter(|id| id.is_string() || id.is_i64())
                .cloned()
                .unwrap_or(Value::Null);
            Verdict::Answer(error_response(id, INVALID_REQUEST, "Invalid request"))
        }
        Err(_) => Verdict::Answer(error_response(Value::Null, PARSE_ERROR, "Parse error")),
    }
}

/// The value of a `Content-Length` header anywhere in `line` (garbage before it is skipped, as the
/// library's own decoder does), or `None`.
fn content_length(line: &[u8]) -> Option<Option<usize>> {
    let text = String::from_utf8_lossy(line);
    let lower = text.to_ascii_lowercase();
    let at = lower.find("content-length:")?;
    let value = text.get(at + "content-length:".len()..)?.trim();
    Some(value.parse::<usize>().ok())
}

async fn read_client<R, W>(client_in: R, mut library: W, outgoing: UnboundedSender<Outgoing>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(client_in);
    loop {
        // Headers, up to an empty line.
        let mut length: Option<Option<usize>> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match (&mut reader)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some(value) = content_length(trimmed) {
                length = Some(value);
            }
        }
        let Some(Some(length)) = length else {
            let _ = outgoing.send(Outgoing::Message(error_response(
                Value::Null,
                PARSE_ERROR,
                "Parse error: missing or invalid Content-Length header",
            )));
            continue;
        };
        if length > MAX_MESSAGE_BYTES {
            let skipped = tokio::io::copy(
                &mut (&mut reader).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            if !matches!(skipped, Ok(n) if n == length as u64) {
                return;
            }
            let _ = outgoing.send(Outgoing::Message(error_response(
                Value::Null,
                INVALID_REQUEST,
                "Message too large",
            )));
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        match judge(&body) {
            Verdict::Forward => {
                let header = format!("Content-Length: {length}\r\n\r\n");
                let written = async {
                    library.write_all(header.as_bytes()).await?;
                    library.write_all(&body).await?;
                    library.flush().await
                };
                if written.await.is_err() {
                    // The library has stopped (after `exit`): nothing more to hand on.
                    return;
                }
            }
            Verdict::Answer(answer) => {
                let _ = outgoing.send(Outgoing::Message(answer));
            }
        }
    }
}

/// Reads the library's well-formed output a whole message at a time.
async fn read_library(library_out: DuplexStream, outgoing: UnboundedSender<Outgoing>) {
    let mut reader = BufReader::new(library_out);
    loop {
        let mut length = None;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => {
                    let _ = outgoing.send(Outgoing::End);
                    return;
                }
                Ok(_) => {}
            }
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                break;
            }
            if let Some(value) = content_length(trimmed) {
                length = value;
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if reader.read_exact(&mut body).await.is_err() {
            let _ = outgoing.send(Outgoing::End);
            return;
        }
        let _ = outgoing.send(Outgoing::Message(body));
    }
}

async fn write_client<W: AsyncWrite + Unpin>(mut queue: UnboundedReceiver<Outgoing>, mut out: W) {
    while let Some(Outgoing::Message(body)) = queue.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            out.write_all(header.as_bytes()).await?;
            out.write_all(&body).await?;
            out.flush().await
        };
        if written.await.is_err() {
            return;
        }
    }
    let _ = out.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_bodies_as_json_rpc_does() {
        let answer = |body: &[u8]| match judge(body) {
            Verdict::Forward => None,
            Verdict::Answer(a) => serde_json::from_slice::<Value>(&a).ok(),
        };
        assert!(answer(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_none());
        assert!(
            answer(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#).is_none()
        );
        assert!(answer(br#"{"jsonrpc":"2.0","id":3,"result":null}"#).is_none());
        assert_eq!(
            answer(br#"{"jsonrpc":"2.0","id":4,"method":"$/unknown"}"#),
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": 4})
            )
        );
        assert_eq!(
            answer(br#"{"jsonrpc": "2.0", "id": 70, "method": "#),
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null})
            )
        );
        assert_eq!(
            answer(br#"{"id": "x", "hello": "world"}"#),
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid request"}, "id": "x"})
            )
        );
        let not_utf8 = answer(b"\xff\xfe").expect("an answer");
        assert_eq!(not_utf8["error"]["code"], -32700);
    }

    #[tokio::test]
    async fn a_malformed_message_is_answered_and_the_next_one_passes() {
        let (mut client, client_side) = tokio::io::duplex(1 << 16);
        let (client_in, client_out) = tokio::io::split(client_side);
        let guarded = guard(client_in, client_out);
        let mut library_in = guarded.input;
        let valid = br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        let mut sent = Vec::new();
        sent.extend_from_slice(b"Content-Length: 3\r\n\r\n{{{");
        sent.extend_from_slice(b"Content-Type: text/plain\r\n\r\n");
        sent.extend_from_slice(format!("Content-Length: {}\r\n\r\n", valid.len()).as_bytes());
        sent.extend_from_slice(valid);
        client.write_all(&sent).await.expect("write");
        let mut handed =
            vec![0; format!("Content-Length: {}\r\n\r\n", valid.len()).len() + valid.len()];
        library_in.read_exact(&mut handed).await.expect("read");
        assert!(handed.ends_with(valid));
        let mut answers = String::new();
        let mut chunk = [0; 1024];
        while answers.matches("-32700").count() < 2 {
            let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut chunk)).await;
            let Ok(Ok(n @ 1..)) = read else {
                panic!("the client got only {answers:?}");
            };
            answers.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    }
}
