//! Tera's `int` and `float` with the numbers Helm and Kubernetes have: `int` makes a
//! 64-bit integer (Tera's own would make one of 128 bits from
//! `"99999999999999999999999"`), and `float` a finite float (`"1e400"` is not one). A
//! number out of their range is an error at the template's line and column.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("int", int);
    tera.register_filter("float", float);
}

/// The value as a 64-bit integer: a string in `base` (2 to 36, default 10; `0x`, `0o`
/// and `0b` prefixes allowed for 16, 8 and 2), a whole float, an integer.
fn int(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<i64> {
    let base = kwargs.get::<u32>("base")?.unwrap_or(10);
    if !(2..=36).contains(&base) {
        return Err(Error::message(format!("`int`'s base must be between 2 and 36, got {base}")));
    }
    let shown = || crate::secret::value(&value.to_string());
    let wide: i128 = if let Some(text) = value.as_str() {
        let text = text.trim();
        let digits = match base {
            2 => text.trim_start_matches("0b"),
            8 => text.trim_start_matches("0o"),
            16 => text.trim_start_matches("0x"),
            _ => text,
        };
        match i128::from_str_radix(digits, base) {
            Ok(number) => number,
            Err(_) if digits.contains('.') => whole(digits.parse::<f64>().ok(), &shown)?,
            Err(_) => {
                return Err(Error::message(format!(
                    "the string {} cannot be converted to an integer in base {base}",
                    shown()
                )));
            }
        }
    } else if let Some(number) = value.as_i128() {
        number
    } else if let Some(float) = value.as_f64() {
        whole(Some(float), &shown)?
    } else {
        return Err(Error::message(format!("a {} cannot be converted to an integer", value.name())));
    };
    i64::try_from(wide).map_err(|_| {
        Error::message(format!(
            "{} is beyond the 64-bit integers Helm and Kubernetes use (from {} to {})",
            shown(),
            i64::MIN,
            i64::MAX
        ))
    })
}

/// A float that is a whole number, as an integer.
fn whole(float: Option<f64>, shown: &dyn Fn() -> String) -> TeraResult<i128> {
    match float {
        Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 => Ok(f as i128),
        _ => Err(Error::message(format!("{} is not a whole number", shown()))),
    }
}

/// The value as a finite float.
fn float(value: &Value, _: Kwargs, _: &State) -> TeraResult<f64> {
    let shown = || crate::secret::value(&value.to_string());
    let float = match value.as_str() {
        Some(text) => text.trim().parse::<f64>().ok(),
        None => value.as_f64(),
    };
    match float {
        Some(f) if f.is_finite() => Ok(f),
        Some(_) => Err(Error::message(format!(
            "{} is past the largest float: JSON and Kubernetes have no such number",
            shown()
        ))),
        None => Err(Error::message(format!("{} cannot be converted to a float", shown()))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::convert::render_with;
    use serde_json::json;

    fn render(template: &str) -> Result<String, String> {
        let mut tera = tera::Tera::new();
        super::register(&mut tera);
        tera.render_str(template, &tera::Context::new(), false)
            .map_err(|e| crate::secret::unmarked(&e.to_string()))
    }

    #[test]
    fn int_is_64_bits() {
        assert_eq!(
            render_with(
                super::register,
                json!({}),
                "{{ '42' | int }} {{ 'ff' | int(base=16) }} {{ 3.0 | int }}"
            ),
            "42 255 3"
        );
        let err = render("{{ '99999999999999999999999' | int }}").unwrap_err();
        assert!(err.contains("99999999999999999999999 is beyond the 64-bit integers"), "{err}");
        assert!(render("{{ '1.5' | int }}").unwrap_err().contains("1.5 is not a whole number"));
        assert!(render("{{ 'x' | int }}").is_err());
    }

    #[test]
    fn float_is_finite() {
        assert_eq!(render_with(super::register, json!({}), "{{ '1.5' | float }}"), "1.5");
        let err = render("{{ '1e400' | float }}").unwrap_err();
        assert!(err.contains("1e400 is past the largest float"), "{err}");
    }
}
