//! Helm's random functions made reproducible: `rand_alpha_num(count=N)` (also
//! `rand_alphanumeric`), `rand_alpha`, `rand_numeric`, `rand_ascii` and `uuidv4()`. Helm
//! draws fresh randomness on every render, so every diff shows a change and a re-apply
//! rotates a password; rudder derives each value from the release (name and namespace),
//! the template and the call's ordinal in that template's render, so one call site gives
//! one value for a release and another release gets other values. The values are as
//! predictable as those inputs: a value that must be secret belongs outside the chart.

use sha2::Digest as _;
use std::cell::Cell;
use tera::{Error, Kwargs, State, Tera, TeraResult};

pub(super) const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub(super) const ALPHA_NUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const NUMERIC: &[u8] = b"0123456789";
/// Printable ASCII, space to `~`, as Sprig's `randAscii` draws.
pub(super) const PRINTABLE: &[u8] =
    b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

pub fn register(tera: &mut Tera) {
    let functions = [
        ("rand_alpha_num", ALPHA_NUM),
        ("rand_alphanumeric", ALPHA_NUM),
        ("rand_alpha", ALPHA),
        ("rand_numeric", NUMERIC),
        ("rand_ascii", PRINTABLE),
    ];
    for (name, alphabet) in functions {
        tera.register_function(name, move |kwargs: Kwargs, state: &State| {
            random_text(name, alphabet, &kwargs, state)
        });
    }
    tera.register_function("uuidv4", |_: Kwargs, state: &State| uuidv4(state));
}

thread_local! {
    /// Random calls made so far by the template rendering on this thread.
    static CALLS: Cell<u64> = const { Cell::new(0) };
}

/// Starts a template's render: its random calls count from zero again.
pub fn begin_template() {
    CALLS.with(|calls| calls.set(0));
}

/// The bytes of the next call site of the template being rendered.
fn stream(function: &str, state: &State) -> TeraResult<Stream> {
    let field = |object: &str, name: &str| super::convert::context_text(state, object, name);
    Ok(stream_for(
        function,
        [&field("Release", "Name")?, &field("Release", "Namespace")?, &field("Template", "Name")?],
    ))
}

/// The bytes of the next call site of the template being rendered, for the release (name,
/// namespace) and the template named in `parts`.
pub(super) fn stream_for(function: &str, parts: [&str; 3]) -> Stream {
    let ordinal = CALLS.with(|calls| {
        let n = calls.get();
        calls.set(n + 1);
        n
    });
    let mut seed = sha2::Sha256::new();
    let ordinal = ordinal.to_string();
    for part in parts.into_iter().chain([ordinal.as_str(), function]) {
        seed.update((part.len() as u64).to_be_bytes());
        seed.update(part.as_bytes());
    }
    Stream { seed: seed.finalize().into(), block: 0, buffer: Vec::new() }
}

/// SHA-256 in counter mode over a seed: an endless, reproducible byte stream.
pub(super) struct Stream {
    seed: [u8; 32],
    block: u64,
    buffer: Vec<u8>,
}

impl Stream {
    pub(super) fn next_byte(&mut self) -> u8 {
        if self.buffer.is_empty() {
            let mut digest = sha2::Sha256::new();
            digest.update(self.seed);
            digest.update(self.block.to_be_bytes());
            self.block += 1;
            self.buffer = digest.finalize().to_vec();
        }
        self.buffer.pop().expect("a refilled buffer")
    }

    /// A uniform pick from `alphabet` (rejection sampling, so no letter is likelier).
    pub(super) fn pick(&mut self, alphabet: &[u8]) -> char {
        let bound = 256 - 256 % alphabet.len();
        loop {
            let byte = usize::from(self.next_byte());
            if byte < bound {
                return char::from(alphabet[byte % alphabet.len()]);
            }
        }
    }
}

fn random_text(function: &str, alphabet: &[u8], kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    let count: usize = kwargs.must_get("count")?;
    let limit = crate::limits::TEMPLATE_OUTPUT.get_usize();
    if count > limit {
        return Err(Error::message(format!(
            "`{function}` would make more than {limit} bytes (limit template-output)"
        )));
    }
    let mut stream = stream(function, state)?;
    Ok((0..count).map(|_| stream.pick(alphabet)).collect())
}

/// A version-4 UUID (RFC 9562 layout) from the call site's stream.
fn uuidv4(state: &State) -> TeraResult<String> {
    Ok(uuid_from(&mut stream("uuidv4", state)?))
}

/// A version-4 UUID from `stream`.
pub(super) fn uuid_from(stream: &mut Stream) -> String {
    let mut bytes: [u8; 16] = std::array::from_fn(|_| stream.next_byte());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn render(release: &str, template: &str) -> String {
        super::begin_template();
        let context = json!({"Release": {"Name": release, "Namespace": "ns"}, "Template": {"Name": "c/templates/s.yaml"}});
        super::super::convert::render_with(super::register, context, template)
    }

    #[test]
    fn each_call_site_is_reproducible_per_release() {
        let template = "{{ rand_alpha_num(count=16) }} {{ rand_alpha_num(count=16) }}";
        let first = render("r1", template);
        let (a, b) = first.split_once(' ').unwrap();
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b, "two call sites, two values");
        assert_eq!(render("r1", template), first, "reproducible");
        assert_ne!(render("r2", template), first, "another release, other values");
    }

    #[test]
    fn each_function_keeps_to_its_alphabet() {
        let out = render(
            "r",
            "{{ rand_alpha(count=200) }}\n{{ rand_numeric(count=200) }}\n{{ rand_ascii(count=200) }}",
        );
        let parts: Vec<&str> = out.split('\n').collect();
        assert!(parts[0].chars().all(|c| c.is_ascii_alphabetic()), "{}", parts[0]);
        assert!(parts[1].chars().all(|c| c.is_ascii_digit()), "{}", parts[1]);
        assert_eq!(parts[2].len(), 200);
        assert!(parts[2].chars().all(|c| (' '..='~').contains(&c)), "{}", parts[2]);
        assert_eq!(render("r", "{{ rand_alphanumeric(count=0) }}"), "");
        assert_eq!(super::PRINTABLE, (b' '..=b'~').collect::<Vec<u8>>());
    }

    #[test]
    fn uuidv4_has_the_version_and_variant_bits() {
        let id = render("r", "{{ uuidv4() }}");
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
        assert!(groups[2].starts_with('4'), "{id}");
        assert!("89ab".contains(&groups[3][..1]), "{id}");
        assert_ne!(render("r", "{{ uuidv4() }}"), render("other", "{{ uuidv4() }}"));
    }
}
