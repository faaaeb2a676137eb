//! The arguments of a Go function as the translation passes them (`_0=…, _1=…`), and
//! how a function of the Go dialect is registered: Go's arity check, then Go's
//! `error calling NAME: …` around what the function complains of.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

/// A function's positional arguments.
pub struct Args<'a> {
    values: Vec<&'a Value>,
}

static UNDEFINED: std::sync::LazyLock<Value> = std::sync::LazyLock::new(Value::undefined);

impl<'a> Args<'a> {
    pub fn new(kwargs: &'a Kwargs) -> Args<'a> {
        Args { values: kwargs.iter().map(|(_, v)| v).collect() }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The `i`th argument (undefined past the end).
    pub fn get(&self, i: usize) -> &'a Value {
        self.values.get(i).copied().unwrap_or(&UNDEFINED)
    }

    /// The last argument: what a pipeline passes in.
    pub fn all(&self) -> Vec<Value> {
        self.values.iter().map(|v| (*v).clone()).collect()
    }

    pub fn slice(&self, from: usize) -> Vec<Value> {
        self.values.iter().skip(from).map(|v| (*v).clone()).collect()
    }

    /// The `i`th argument as a string parameter: Go refuses nil and other types.
    pub fn str(&self, i: usize) -> Result<&'a str, String> {
        let value = self.get(i);
        match value.as_str() {
            Some(s) => Ok(s),
            None if super::value::is_nil(value) => Err("invalid value; expected string".into()),
            None => {
                Err(format!("wrong type for value; expected string; got {}", super::value::type_name(value)))
            }
        }
    }

    /// The `i`th argument as an `int` parameter (a float or a string is refused, as Go
    /// refuses them).
    pub fn int(&self, i: usize) -> Result<i64, String> {
        let value = self.get(i);
        match super::value::kind(value) {
            super::value::Kind::Int | super::value::Kind::Uint => Ok(super::value::to_int64(value)),
            super::value::Kind::Invalid => Err("invalid value; expected int".into()),
            _ => Err(format!("wrong type for value; expected int; got {}", super::value::type_name(value))),
        }
    }
}

/// What a Go-dialect function computes from its arguments.
pub type Func = fn(&Args) -> Result<Value, String>;

/// Registers `func` as Go function `name` taking `min..=max` arguments (`max` `None`
/// for variadic ones).
pub fn register(tera: &mut Tera, name: &'static str, min: usize, max: Option<usize>, func: Func) {
    tera.register_function(name, move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let args = Args::new(&kwargs);
        check_arity(name, args.len(), min, max)?;
        func(&args).map_err(|message| Error::message(format!("error calling {name}: {message}")))
    });
}

/// Go's complaint about a call with the wrong number of arguments.
pub fn check_arity(name: &str, got: usize, min: usize, max: Option<usize>) -> TeraResult<()> {
    let message = match max {
        Some(max) if min == max && got != min => {
            format!("wrong number of args for {name}: want {min} got {got}")
        }
        Some(max) if got > max || got < min => {
            format!("wrong number of args for {name}: want {min} to {max} got {got}")
        }
        None if got < min => format!("wrong number of args for {name}: want at least {min} got {got}"),
        _ => return Ok(()),
    };
    Err(Error::message(message))
}
