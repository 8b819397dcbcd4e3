// Numbers for the stepper page, written exactly as Python writes them, and the helpers the
// op table's code templates call (autograd_lite.ops.CODE_HELPERS), with Python's results.
//
// Python rounds a float's exact binary value half to even; JavaScript's toFixed and
// toExponential round ties away from zero. The page's words must equal Python's to the
// letter (the tests compare them), so rounding works on the exact decimal digits.

// The exact decimal digits of |x| (finite, not 0) as {digits, point}: |x| = 0.digits * 10^point.
function agDigits(x) {
  "use strict";
  var text = Math.abs(x).toPrecision(60), exponent = 0, e = text.indexOf("e");
  if (e >= 0) { exponent = parseInt(text.slice(e + 1), 10); text = text.slice(0, e); }
  var dot = text.indexOf("."), whole = dot < 0 ? text : text.slice(0, dot);
  var digits = whole + (dot < 0 ? "" : text.slice(dot + 1));
  var point = whole.length + exponent, lead = 0;
  while (lead < digits.length - 1 && digits.charAt(lead) === "0") { lead++; point--; }
  return {digits: digits.slice(lead), point: point};
}

// `count` leading digits of `d` (agDigits), rounded half to even, as {digits, point}.
function agRound(d, count) {
  "use strict";
  if (count < 0) return {digits: "0", point: 1};
  var kept = d.digits.slice(0, count), rest = d.digits.slice(count);
  while (kept.length < count) kept += "0";
  var first = rest.charAt(0), tail = rest.slice(1).replace(/0+$/, "");
  var last = count > 0 ? parseInt(kept.charAt(count - 1), 10) : 0;
  var up = first > "5" || (first === "5" && (tail !== "" || last % 2 === 1));
  if (!up) return {digits: kept === "" ? "0" : kept, point: kept === "" ? 1 : d.point};
  var carried = "", i = kept.length - 1, carry = true;
  for (; i >= 0; i--) {
    var digit = parseInt(kept.charAt(i), 10) + (carry ? 1 : 0);
    carry = digit === 10;
    carried = (carry ? "0" : String(digit)) + carried;
  }
  if (carry) return {digits: "1" + carried, point: d.point + 1};
  return {digits: carried === "" ? "1" : carried, point: carried === "" ? d.point + 1 : d.point};
}

// Python's f"{x:.{p}f}".
function agFixed(x, p) {
  "use strict";
  if (x === 0) return (1 / x < 0 ? "-" : "") + (0).toFixed(p);
  var d = agDigits(x), r = agRound(d, d.point + p), digits = r.digits, point = r.point;
  if (point <= 0) { digits = new Array(1 - point).join("0") + "0" + digits; point = 1; }
  while (digits.length < point + p) digits += "0";
  var text = digits.slice(0, point) + (p > 0 ? "." + digits.slice(point, point + p) : "");
  text = text.replace(/^0+(?=\d)/, "");
  return (x < 0 ? "-" : "") + text;
}

// Python's f"{x:.{p}e}".
function agScientific(x, p) {
  "use strict";
  if (x === 0) return (1 / x < 0 ? "-" : "") + (0).toFixed(p) + "e+00";
  var r = agRound(agDigits(x), p + 1), exponent = r.point - 1, digits = r.digits;
  while (digits.length < p + 1) digits += "0";
  var mantissa = digits.charAt(0) + (p > 0 ? "." + digits.slice(1, p + 1) : "");
  var size = Math.abs(exponent);
  return (x < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (size < 10 ? "0" : "") + size;
}

// autograd_lite.render.format_number: `p` decimals, scientific from 1e9 up, nan/inf by name.
function agNumber(x, p) {
  "use strict";
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  var text = Math.abs(x) >= 1e9 ? agScientific(x, p) : agFixed(x, p);
  // A tiny negative number would otherwise print as "-0.0000".
  if (text.charAt(0) === "-" && Number(text) === 0) text = text.slice(1);
  return text;
}

// autograd_lite.render.format_constant: Python's f"{x:g}" (6 significant digits).
function agConstant(x) {
  "use strict";
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return 1 / x < 0 ? "-0" : "0";
  var r = agRound(agDigits(x), 6), exponent = r.point - 1;
  var digits = r.digits.replace(/0+$/, "") || "0", sign = x < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    var size = Math.abs(exponent);
    return sign + digits.charAt(0) + (digits.length > 1 ? "." + digits.slice(1) : "") +
      "e" + (exponent < 0 ? "-" : "+") + (size < 10 ? "0" : "") + size;
  }
  if (exponent < 0) return sign + "0." + new Array(-exponent).join("0") + digits;
  while (digits.length < exponent + 1) digits += "0";
  var whole = digits.slice(0, exponent + 1), fraction = digits.slice(exponent + 1);
  return sign + whole + (fraction ? "." + fraction : "");
}

// An error of the kind Python raises (ValueError, ZeroDivisionError), with its message.
function agMathError(kind, message) {
  "use strict";
  var error = new Error(message);
  error.name = kind;
  return error;
}

// Python's repr of a float, as the checked helpers' messages quote it.
function agRepr(x) {
  "use strict";
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  var text = String(x);
  if (/^-?\d+$/.test(text)) text += ".0";
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

// The helpers the op table's templates call, as autograd_lite.floats computes them.
var agHelpers = (function () {
  "use strict";
  function power(base, exponent) {
    // Python gives 1 for 1 ** nan and (-1) ** ±inf, where Math.pow gives NaN; elsewhere
    // they agree (a negative base to a non-integer power is NaN, Python's complex result).
    if (base === 1 || exponent === 0) return 1;
    if (base === -1 && (exponent === Infinity || exponent === -Infinity)) return 1;
    return Math.pow(base, exponent);
  }
  return {
    _abs: Math.abs,
    _cos: function (x) { return isFinite(x) ? Math.cos(x) : NaN; },
    _sin: function (x) { return isFinite(x) ? Math.sin(x) : NaN; },
    _exp: Math.exp,
    _tanh: Math.tanh,
    _log: function (x) { return x > 0 ? Math.log(x) : x === 0 ? -Infinity : NaN; },
    _divide: function (a, b) {
      if (b) return a / b;
      if (a === 0 || a !== a) return NaN;
      return (a > 0 ? Infinity : -Infinity) * (1 / b > 0 ? 1 : -1);
    },
    _power: power,
    _sigmoid: function (x) {
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      var z = Math.exp(x);
      return z / (1 + z);
    },
    _sign: function (x) { return x > 0 ? 1 : x < 0 ? -1 : 0; },
    _checked_divide: function (a, b) {
      if (b === 0) throw agMathError("ZeroDivisionError", "division by zero: " + agRepr(a) + " / " + agRepr(b));
      return a / b;
    },
    _checked_power: function (base, exponent) {
      if (base === 0 && exponent < 0) {
        throw agMathError("ZeroDivisionError", "**: 0.0 cannot be raised to the negative power " + agRepr(exponent));
      }
      if (base < 0 && isFinite(exponent) && Math.floor(exponent) !== exponent) {
        throw agMathError("ValueError", "**: negative base " + agRepr(base) + " with non-integer exponent " +
          agRepr(exponent) + " has no real value");
      }
      return power(base, exponent);
    },
    _checked_log: function (x) {
      if (x <= 0) throw agMathError("ValueError", "log: expected a positive number, got " + agRepr(x));
      return Math.log(x);
    },
    _checked_log1p: function (x) {
      if (x <= -1) throw agMathError("ValueError", "log1p: expected a number greater than -1, got " + agRepr(x));
      return Math.log1p(x);
    },
    _checked_sqrt: function (x) {
      if (x < 0) throw agMathError("ValueError", "sqrt: expected a non-negative number, got " + agRepr(x));
      return Math.sqrt(x);
    }
  };
})();
