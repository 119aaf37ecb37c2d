/**
 * Indicator expressions (指标表达式): numbers, item names, + − * / and parentheses, unary minus, and
 * `prev(item)`, the same item one year earlier. Parsed by hand into a small tree — no eval, no
 * Function — so a definition file cannot run code and every name is checked against the item
 * catalogue when the file is loaded.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | primary
 *   primary := number | name | 'prev' '(' name ')' | '(' expr ')'
 *   name    := [A-Za-z_][A-Za-z0-9_.]*        number := digits ['.' digits]
 *
 * The typographic signs − × ÷ are read as - * /. Columns in messages count from 1.
 */
import { closestItem, itemOf } from './items.js';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'item'; name: string; prev: boolean }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr };

/** A malformed expression; `column` is 1-based in the expression text. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
  constructor(
    readonly problem: string,
    readonly column: number,
  ) {
    super(`${problem} at column ${column}`);
  }
}

type Token =
  | { t: 'num'; value: number; col: number }
  | { t: 'name'; value: string; col: number }
  | { t: 'op'; value: '+' | '-' | '*' | '/'; col: number }
  | { t: '('; col: number }
  | { t: ')'; col: number }
  | { t: 'end'; col: number };

const OPS: Record<string, '+' | '-' | '*' | '/'> = { '+': '+', '-': '-', '−': '-', '*': '*', '×': '*', '/': '/', '÷': '/' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const depth: number[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const col = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      if (/[A-Za-z_.]/.test(src[i + m[0].length] ?? '')) throw new ExpressionError(`malformed number '${src.slice(i).split(/[\s()+\-*/]/)[0]}'`, col);
      out.push({ t: 'num', value: Number(m[0]), col });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!;
      out.push({ t: 'name', value: m[0], col });
      i += m[0].length;
    } else if (OPS[c]) {
      out.push({ t: 'op', value: OPS[c], col });
      i++;
    } else if (c === '(') {
      depth.push(col);
      out.push({ t: '(', col });
      i++;
    } else if (c === ')') {
      if (depth.length === 0) throw new ExpressionError("unbalanced parenthesis: ')' has no matching '('", col);
      depth.pop();
      out.push({ t: ')', col });
      i++;
    } else {
      throw new ExpressionError(`unexpected character '${c}'`, col);
    }
  }
  if (depth.length > 0) throw new ExpressionError("unbalanced parenthesis: '(' is never closed", depth[depth.length - 1]!);
  out.push({ t: 'end', col: src.length + 1 });
  return out;
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'num':
      return `number ${tok.value}`;
    case 'name':
      return `name '${tok.value}'`;
    case 'op':
      return `'${tok.value}'`;
    case '(':
      return "'('";
    case ')':
      return "')'";
    case 'end':
      return 'the end of the expression';
  }
}

/** Parses an expression and checks every name against the item catalogue. */
export function parseExpression(src: string): Expr {
  if (src.trim() === '') throw new ExpressionError('empty expression', 1);
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Token => toks[pos]!;
  const next = (): Token => toks[pos++]!;

  const known = (name: string, col: number): void => {
    if (!itemOf(name)) throw new ExpressionError(`unknown item '${name}' (closest known item: ${closestItem(name)})`, col);
  };

  function expr(): Expr {
    let left = term();
    for (let tok = peek(); tok.t === 'op' && (tok.value === '+' || tok.value === '-'); tok = peek()) {
      next();
      left = { kind: 'binary', op: tok.value, left, right: term() };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    for (let tok = peek(); tok.t === 'op' && (tok.value === '*' || tok.value === '/'); tok = peek()) {
      next();
      left = { kind: 'binary', op: tok.value, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    const tok = peek();
    if (tok.t === 'op' && tok.value === '-') {
      next();
      return { kind: 'neg', arg: unary() };
    }
    return primary();
  }
  function primary(): Expr {
    const tok = next();
    switch (tok.t) {
      case 'num':
        return { kind: 'number', value: tok.value };
      case 'name': {
        if (tok.value === 'prev' && peek().t === '(') {
          next();
          const arg = next();
          if (arg.t !== 'name' || arg.value === 'prev') throw new ExpressionError(`prev( takes one item name, found ${describe(arg)}`, arg.col);
          known(arg.value, arg.col);
          const close = next();
          if (close.t !== ')') throw new ExpressionError(`prev( takes one item name: expected ')' after '${arg.value}', found ${describe(close)}`, close.col);
          return { kind: 'item', name: arg.value, prev: true };
        }
        known(tok.value, tok.col);
        return { kind: 'item', name: tok.value, prev: false };
      }
      case '(': {
        const inner = expr();
        const close = next();
        if (close.t !== ')') throw new ExpressionError(`expected ')' or an operator, found ${describe(close)}`, close.col);
        return inner;
      }
      case 'op':
      case ')':
      case 'end':
        throw new ExpressionError(`expected a number, an item or '(', found ${describe(tok)}`, tok.col);
    }
  }

  const tree = expr();
  const rest = peek();
  if (rest.t !== 'end') throw new ExpressionError(`expected an operator, found ${describe(rest)}`, rest.col);
  return tree;
}

/** The items an expression names, each once, in order of appearance (`prev` marks last year's). */
export function itemsOf(e: Expr, out: Array<{ name: string; prev: boolean }> = []): Array<{ name: string; prev: boolean }> {
  switch (e.kind) {
    case 'number':
      break;
    case 'item':
      if (!out.some((r) => r.name === e.name && r.prev === e.prev)) out.push({ name: e.name, prev: e.prev });
      break;
    case 'neg':
      itemsOf(e.arg, out);
      break;
    case 'binary':
      itemsOf(e.left, out);
      itemsOf(e.right, out);
      break;
  }
  return out;
}

/** How an item reference is written: `visits.total` or `prev(visits.total)`. */
export function refName(r: { name: string; prev: boolean }): string {
  return r.prev ? `prev(${r.name})` : r.name;
}

/** The value of an expression, or the reason it has none (a missing item, a division by zero). */
export type ExprResult = { ok: true; value: number } | { ok: false; reason: string };

/** Evaluates over this year's items and, for `prev(…)`, last year's. */
export function evaluateExpression(e: Expr, items: ReadonlyMap<string, number>, prevItems?: ReadonlyMap<string, number>): ExprResult {
  const missing = itemsOf(e).filter((r) => !Number.isFinite((r.prev ? prevItems : items)?.get(r.name)));
  if (missing.length > 0) {
    return { ok: false, reason: missing.map((r) => `missing item ${refName(r)}${r.prev && !prevItems ? ' (no previous year given)' : ''}`).join('; ') };
  }
  const fault: { divZero: string | null } = { divZero: null };
  const ev = (x: Expr): number => {
    switch (x.kind) {
      case 'number':
        return x.value;
      case 'item':
        return (x.prev ? prevItems : items)!.get(x.name)!;
      case 'neg':
        return -ev(x.arg);
      case 'binary': {
        const l = ev(x.left);
        const r = ev(x.right);
        switch (x.op) {
          case '+':
            return l + r;
          case '-':
            return l - r;
          case '*':
            return l * r;
          case '/':
            if (r === 0) {
              fault.divZero ??= `division by zero: ${render(x.right)} = 0`;
              return NaN;
            }
            return l / r;
        }
      }
    }
  };
  const value = ev(e);
  if (fault.divZero !== null) return { ok: false, reason: fault.divZero };
  return { ok: true, value };
}

const PREC = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;

/** The expression written back, with only the parentheses it needs. */
export function render(e: Expr, parentPrec = 0, rightSide = false): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'item':
      return refName(e);
    case 'neg':
      return `-${render(e.arg, 3)}`;
    case 'binary': {
      const p = PREC[e.op];
      const s = `${render(e.left, p)} ${e.op} ${render(e.right, p, true)}`;
      return p < parentPrec || (rightSide && p === parentPrec) ? `(${s})` : s;
    }
  }
}
