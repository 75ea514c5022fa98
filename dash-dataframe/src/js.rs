//! The few JavaScript rules DataTable's native filtering relies on, in Rust.
//!
//! DataTable evaluates a filter in the browser on the JSON values of `data`: numbers, strings,
//! booleans and `null`. Its operators lean on JavaScript's own conversions (`+value`,
//! `toString()`, `toUpperCase()`, `<` between a string and a number), so the backend must
//! apply the same ones to get the same rows. Each function here names the JavaScript
//! operation it stands for.

use std::sync::OnceLock;

/// JavaScript's `\s`: WhiteSpace and LineTerminator code points.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// JavaScript's line terminators (what `.` in a regular expression does not match).
pub fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `Number(s)` for a string (StringToNumber): `None` stands for `NaN`.
///
/// ```
/// use dash_dataframe::js::string_to_number;
/// assert_eq!(string_to_number(" 12 "), Some(12.0));
/// assert_eq!(string_to_number(""), Some(0.0));
/// assert_eq!(string_to_number("0x1F"), Some(31.0));
/// assert_eq!(string_to_number("1e3"), Some(1000.0));
/// assert_eq!(string_to_number("abc"), None);
/// assert_eq!(string_to_number("inf"), None);
/// ```
pub fn string_to_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(is_space);
    if t.is_empty() {
        return Some(0.0);
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'+' => (1.0, &t[1..]),
        b'-' => (-1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return Some(sign * f64::INFINITY);
    }
    if sign > 0.0 && !t.starts_with('+') && body.len() > 2 && body.as_bytes()[0] == b'0' {
        let radix = match body.as_bytes()[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            let mut value = 0.0f64;
            for c in body[2..].chars() {
                value = value * f64::from(radix) + f64::from(c.to_digit(radix)?);
            }
            return Some(value);
        }
    }
    if !is_decimal_literal(body) {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// StrUnsignedDecimalLiteral without `Infinity`: `1`, `1.`, `.5`, `1.5e-3`.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp = count_digits(&b[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `fast-isnumeric` (DataTable's `isNumeric`) of a string: the number when the string is
/// numeric (`+s` finite and `s` not blank), else `None`.
///
/// ```
/// use dash_dataframe::js::numeric_string;
/// assert_eq!(numeric_string("5.0"), Some(5.0));
/// assert_eq!(numeric_string("  "), None);
/// assert_eq!(numeric_string("Infinity"), None);
/// ```
pub fn numeric_string(s: &str) -> Option<f64> {
    string_to_number(s).filter(|v| v.is_finite() && !s.chars().all(is_space))
}

/// `Number.prototype.toString()` of a finite number (shortest round-trip digits, JavaScript's
/// choice between plain and exponent notation).
///
/// ```
/// use dash_dataframe::js::number_to_string;
/// assert_eq!(number_to_string(5.0), "5");
/// assert_eq!(number_to_string(-0.0), "0");
/// assert_eq!(number_to_string(0.1), "0.1");
/// assert_eq!(number_to_string(1e21), "1e+21");
/// assert_eq!(number_to_string(1.5e-7), "1.5e-7");
/// assert_eq!(number_to_string(123456.789), "123456.789");
/// ```
pub fn number_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let e: i32 = exp.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let n = e + 1;
    let mut out = String::with_capacity(24);
    if v < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

/// `String.prototype.toUpperCase()` (Unicode default case mapping, as Rust's).
pub fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// DataTable's `is prime` test, with its answers: `2` is prime; below 2, or even, is not;
/// otherwise no odd divisor up to the square root (so a non-integer like `3.5` is "prime").
/// Integers are tested with a deterministic Miller-Rabin (same answers, bounded time).
///
/// ```
/// use dash_dataframe::js::is_prime;
/// assert!(is_prime(2.0) && is_prime(7.0) && is_prime(3.5));
/// assert!(!is_prime(1.0) && !is_prime(9.0) && !is_prime(-7.0) && !is_prime(4.0));
/// ```
pub fn is_prime(c: f64) -> bool {
    if c == 2.0 {
        return true;
    }
    if c.is_nan() || c < 2.0 || c % 2.0 == 0.0 {
        return false;
    }
    if c.fract() != 0.0 {
        // No integer `n` divides a non-integer: the loop never finds a divisor.
        return true;
    }
    if c > u64::MAX as f64 {
        return false; // every double this large is even, handled above; kept for safety
    }
    miller_rabin(c as u64)
}

fn miller_rabin(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    let mul = |a: u64, b: u64| ((u128::from(a) * u128::from(b)) % u128::from(n)) as u64;
    let pow = |mut b: u64, mut e: u64| {
        let mut r = 1u64;
        b %= n;
        while e > 0 {
            if e & 1 == 1 {
                r = mul(r, b);
            }
            b = mul(b, b);
            e >>= 1;
        }
        r
    };
    let mut d = n - 1;
    let mut s = 0;
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if a % n == 0 {
            continue;
        }
        let mut x = pow(a, d);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul(x, x);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

/// DataTable's `normalizeDate(value, {allow_YY: true})`: a date or date-time string in its
/// canonical form (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DD HH`, `YYYY-MM-DD HH:MM`,
/// `YYYY-MM-DD HH:MM:SS[.fff]`, keeping only the fields given), or `None` when the string is
/// no date. Two-digit years map onto the 100 years starting 70 years before this year;
/// time zones are accepted and ignored.
///
/// ```
/// use dash_dataframe::js::normalize_date;
/// assert_eq!(normalize_date("2020-1-5").as_deref(), Some("2020-01-05"));
/// assert_eq!(normalize_date(" 2020-01-05T10:30 ").as_deref(), Some("2020-01-05 10:30"));
/// assert_eq!(normalize_date("2021-02-29"), None);
/// assert_eq!(normalize_date("2020-01-05 10:30:05.25Z").as_deref(), Some("2020-01-05 10:30:05.25"));
/// ```
pub fn normalize_date(value: &str) -> Option<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    const WS: &str = r"[\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]";
    let re = RE.get_or_init(|| {
        let pattern = format!(
            r"(?m)^{WS}*(-?[0-9]{{4}}|[0-9]{{2}})(-([0-9]{{1,2}})(-([0-9]{{1,2}})([ Tt]([01]?[0-9]|2[0-3])(:([0-5][0-9])(:([0-5][0-9](\.[0-9]+)?))?(Z|z|[+\-][0-9]{{2}}:?[0-9]{{2}})?)?)?)?)?{WS}*$"
        );
        regex::Regex::new(&pattern).unwrap_or_else(|e| unreachable!("date pattern: {e}"))
    });
    // JavaScript's multi-line `^`/`$` also stop at `\r`, U+2028 and U+2029.
    let unified: std::borrow::Cow<str> = if value.contains(['\r', '\u{2028}', '\u{2029}']) {
        value.replace(['\r', '\u{2028}', '\u{2029}'], "\n").into()
    } else {
        value.into()
    };
    let caps = re.captures(&unified)?;
    let year_text = caps.get(1)?.as_str();
    let y: i64 = if year_text.len() == 2 {
        let yy: i64 = year_text.parse().ok()?;
        let first = current_year() - 70;
        (yy + 2000 - first).rem_euclid(100) + first
    } else {
        year_text.parse().ok()?
    };
    let month = caps.get(3);
    let day = caps.get(5);
    let hour = caps.get(7);
    let minute = caps.get(9);
    let second = caps.get(11);
    let m: i64 = month.map_or(Some(1), |m| m.as_str().parse().ok())?;
    let d: i64 = day.map_or(Some(1), |d| d.as_str().parse().ok())?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let h: i64 = hour.map_or(Some(0), |h| h.as_str().parse().ok())?;
    let mi: i64 = minute.map_or(Some(0), |x| x.as_str().parse().ok())?;
    let mut full = format!(
        "{}{:04}-{m:02}-{d:02} {h:02}:{mi:02}:",
        if y < 0 { "-" } else { "" },
        y.abs()
    );
    if let Some(s) = second {
        full.push_str(s.as_str());
    }
    let sign = usize::from(y < 0);
    let len = if second.is_some() {
        29
    } else if minute.is_some() {
        16
    } else if hour.is_some() {
        13
    } else if day.is_some() {
        10
    } else if month.is_some() {
        7
    } else {
        4
    };
    full.truncate((len + sign).min(full.len()));
    Some(full)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn current_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64).0
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_javascript() {
        for (v, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.2345e25, "1.2345e+25"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.5e-10, "2.5e-10"),
        ] {
            assert_eq!(number_to_string(v), s, "{v}");
        }
    }

    #[test]
    fn strings_convert_like_javascript() {
        assert_eq!(string_to_number("-0x10"), None);
        assert_eq!(string_to_number("0b101"), Some(5.0));
        assert_eq!(string_to_number("+.5"), Some(0.5));
        assert_eq!(string_to_number("5."), Some(5.0));
        assert_eq!(string_to_number("."), None);
        assert_eq!(string_to_number("1e"), None);
        assert_eq!(string_to_number("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(string_to_number("\u{FEFF}7\n"), Some(7.0));
        assert_eq!(numeric_string("1e999"), None);
        assert_eq!(numeric_string(""), None);
    }

    #[test]
    fn dates_normalise_like_datatable() {
        assert_eq!(normalize_date("2020").as_deref(), Some("2020"));
        assert_eq!(normalize_date("2020-02").as_deref(), Some("2020-02"));
        assert_eq!(normalize_date("2020-02-29").as_deref(), Some("2020-02-29"));
        assert_eq!(normalize_date("2020-13"), None);
        assert_eq!(normalize_date("2020-00"), None);
        assert_eq!(normalize_date("2020-01-01 24:00"), None);
        assert_eq!(
            normalize_date("2020-01-01 9").as_deref(),
            Some("2020-01-01 09")
        );
        assert_eq!(
            normalize_date("-0044-03-15").as_deref(),
            Some("-0044-03-15")
        );
        assert_eq!(
            normalize_date("junk\n2020-01-01").as_deref(),
            Some("2020-01-01")
        );
        assert_eq!(normalize_date("2020-01-01x"), None);
        assert!(normalize_date("20").is_some_and(|y| y.len() == 4));
    }

    #[test]
    fn primes_follow_datatable() {
        let primes: Vec<u32> = (0..40).filter(|&n| is_prime(f64::from(n))).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
        assert!(is_prime(1_000_000_007.0));
        assert!(!is_prime(3_000_000_021.0));
    }

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_262), (2020, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
