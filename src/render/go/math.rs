//! Sprig's arithmetic with its casts: `add`, `sub`, `mul`, `div`, `mod`, `max`, `min`
//! work on `int64` (cast's `ToInt64` of each operand), `addf` and kin on decimals as
//! shopspring's decimal computes them, `floor`/`ceil`/`round` on floats; the casts `int`,
//! `int64`, `float64`, `atoi`, `toDecimal`; and `until`, `untilStep`, `seq`.

use super::args::register;
use super::value::{int64, to_float64, to_int64};
use tera::{Tera, Value};

/// The longest list `until` and kin make (Tera's own `range` has the same bound).
const MAX_ITEMS: i64 = 100_000;

pub fn register_all(tera: &mut Tera) {
    register(tera, "add", 0, None, |a| {
        Ok(int64(a.all().iter().fold(0i64, |sum, v| sum.wrapping_add(to_int64(v)))))
    });
    register(tera, "add1", 1, Some(1), |a| Ok(int64(to_int64(a.get(0)).wrapping_add(1))));
    register(tera, "sub", 2, Some(2), |a| Ok(int64(to_int64(a.get(0)).wrapping_sub(to_int64(a.get(1))))));
    register(tera, "mul", 1, None, |a| {
        Ok(int64(a.slice(1).iter().fold(to_int64(a.get(0)), |product, v| product.wrapping_mul(to_int64(v)))))
    });
    register(tera, "div", 2, Some(2), |a| {
        let (x, y) = (to_int64(a.get(0)), to_int64(a.get(1)));
        x.checked_div(y).map(int64).ok_or_else(|| "runtime error: integer divide by zero".to_string())
    });
    register(tera, "mod", 2, Some(2), |a| {
        let (x, y) = (to_int64(a.get(0)), to_int64(a.get(1)));
        x.checked_rem(y).map(int64).ok_or_else(|| "runtime error: integer divide by zero".to_string())
    });
    for name in ["max", "biggest"] {
        register(tera, name, 1, None, |a| Ok(int64(a.all().iter().map(to_int64).max().unwrap_or(0))));
    }
    register(tera, "min", 1, None, |a| Ok(int64(a.all().iter().map(to_int64).min().unwrap_or(0))));
    register(tera, "maxf", 1, None, |a| {
        Ok(a.all().iter().map(to_float64).fold(f64::NEG_INFINITY, f64::max).into())
    });
    register(tera, "minf", 1, None, |a| {
        Ok(a.all().iter().map(to_float64).fold(f64::INFINITY, f64::min).into())
    });
    register(tera, "floor", 1, Some(1), |a| Ok(to_float64(a.get(0)).floor().into()));
    register(tera, "ceil", 1, Some(1), |a| Ok(to_float64(a.get(0)).ceil().into()));
    register(tera, "round", 2, Some(3), |a| {
        let round_on = if a.len() > 2 { to_float64(a.get(2)) } else { 0.5 };
        let pow = 10f64.powf(a.int(1)? as f64);
        let digit = pow * to_float64(a.get(0));
        let fraction = digit.fract();
        Ok((if fraction >= round_on { digit.ceil() } else { digit.floor() } / pow).into())
    });
    register(tera, "add1f", 1, Some(1), |a| {
        Ok(decimal_op(&[a.get(0).clone(), Value::from(1)], Op::Add).into())
    });
    register(tera, "addf", 0, None, |a| {
        let mut all = vec![Value::from(0.0)];
        all.extend(a.all());
        Ok(decimal_op(&all, Op::Add).into())
    });
    register(tera, "subf", 1, None, |a| Ok(decimal_op(&a.all(), Op::Sub).into()));
    register(tera, "mulf", 1, None, |a| Ok(decimal_op(&a.all(), Op::Mul).into()));
    register(tera, "divf", 1, None, |a| Ok(decimal_op(&a.all(), Op::Div).into()));
    register(tera, "int", 1, Some(1), |a| Ok(to_int64(a.get(0)).into()));
    register(tera, "int64", 1, Some(1), |a| Ok(int64(to_int64(a.get(0)))));
    register(tera, "float64", 1, Some(1), |a| Ok(to_float64(a.get(0)).into()));
    register(tera, "atoi", 1, Some(1), |a| Ok(a.str(0)?.parse::<i64>().unwrap_or(0).into()));
    register(tera, "toDecimal", 1, Some(1), |a| {
        let text = super::fmt::sprint_value(a.get(0));
        Ok(i64::from_str_radix(&text, 8).unwrap_or(0).into())
    });
    register(tera, "until", 1, Some(1), |a| {
        let count = a.int(0)?;
        until_step(0, count, if count < 0 { -1 } else { 1 })
    });
    register(tera, "untilStep", 3, Some(3), |a| until_step(a.int(0)?, a.int(1)?, a.int(2)?));
    register(tera, "seq", 0, None, |a| {
        let params: Vec<i64> = (0..a.len()).map(|i| a.int(i)).collect::<Result<_, _>>()?;
        let (start, end, step) = match params.as_slice() {
            [end] => (1, *end, if *end < 1 { -1 } else { 1 }),
            [start, end] => (*start, *end, if end < start { -1 } else { 1 }),
            [start, step, end] => {
                if end < start && *step > 0 {
                    return Ok("".into());
                }
                (*start, *end, *step)
            }
            _ => return Ok("".into()),
        };
        let increment = if end < start { -1 } else { 1 };
        let items = until_step(start, end + increment, step)?;
        let text: Vec<String> =
            items.as_array().unwrap_or_default().iter().map(super::fmt::sprint_value).collect();
        Ok(text.join(" ").into())
    });
}

fn until_step(start: i64, stop: i64, step: i64) -> Result<Value, String> {
    let mut out = Vec::new();
    let mut i = start;
    let going = |i: i64| if stop < start { step < 0 && i > stop } else { step > 0 && i < stop };
    while going(i) {
        if out.len() as i64 >= MAX_ITEMS {
            return Err(format!("makes more than {MAX_ITEMS} numbers"));
        }
        out.push(Value::from(i));
        i += step;
    }
    Ok(Value::from(out))
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// shopspring's decimal on each operand's shortest decimal text, then back to a float.
fn decimal_op(operands: &[Value], op: Op) -> f64 {
    let mut values = operands.iter().map(|v| Decimal::from_f64(to_float64(v)));
    let Some(mut result) = values.next() else { return 0.0 };
    for value in values {
        result = match op {
            Op::Add => result.add(&value),
            Op::Sub => result.add(&value.negate()),
            Op::Mul => result.mul(&value),
            Op::Div => Decimal::from_f64(result.to_f64() / value.to_f64()),
        };
    }
    result.to_f64()
}

/// `mantissa × 10^-scale`.
#[derive(Clone, Copy)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    fn from_f64(f: f64) -> Decimal {
        let text = format!("{f}");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = format!("{whole}{fraction}");
        match digits.parse::<i128>() {
            Ok(mantissa) if fraction.len() < 30 => Decimal { mantissa, scale: fraction.len() as u32 },
            _ => Decimal { mantissa: f as i128, scale: 0 },
        }
    }

    fn negate(self) -> Decimal {
        Decimal { mantissa: -self.mantissa, ..self }
    }

    fn rescale(self, scale: u32) -> i128 {
        self.mantissa.saturating_mul(10i128.saturating_pow(scale - self.scale))
    }

    fn add(&self, other: &Decimal) -> Decimal {
        let scale = self.scale.max(other.scale);
        Decimal { mantissa: self.rescale(scale).saturating_add(other.rescale(scale)), scale }
    }

    fn mul(&self, other: &Decimal) -> Decimal {
        Decimal { mantissa: self.mantissa.saturating_mul(other.mantissa), scale: self.scale + other.scale }
    }

    fn to_f64(self) -> f64 {
        let negative = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let text = if scale == 0 {
            digits
        } else if digits.len() > scale {
            format!("{}.{}", &digits[..digits.len() - scale], &digits[digits.len() - scale..])
        } else {
            format!("0.{}{digits}", "0".repeat(scale - digits.len()))
        };
        let value: f64 = text.parse().unwrap_or(0.0);
        if negative { -value } else { value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_add_as_decimals() {
        assert_eq!(decimal_op(&[Value::from(0.0), Value::from(1.1), Value::from(2.2)], Op::Add), 3.3);
        assert_eq!(decimal_op(&[Value::from(1.5), Value::from(2)], Op::Mul), 3.0);
        assert_eq!(decimal_op(&[Value::from(1), Value::from(0.1)], Op::Sub), 0.9);
        assert_eq!(until_step(0, 5, 2).unwrap().as_array().unwrap().len(), 3);
        assert_eq!(until_step(5, 0, -1).unwrap().as_array().unwrap().len(), 5);
    }
}
