import {
  LabelRequirement,
  LabelSelector,
  LabelSelectorOperator,
} from './LabelSelector';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type Token =
  | { kind: 'word'; text: string; at: number }
  | {
      kind: 'symbol';
      text: ',' | '(' | ')' | '=' | '==' | '!=' | '!';
      at: number;
    }
  | { kind: 'end'; at: number };

function tokenize(
  text: string,
  fail: (message: string, at: number) => never,
): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === ',' || c === '(' || c === ')') {
      tokens.push({ kind: 'symbol', text: c, at: i });
      i++;
    } else if (c === '=') {
      const double = text[i + 1] === '=';
      tokens.push({ kind: 'symbol', text: double ? '==' : '=', at: i });
      i += double ? 2 : 1;
    } else if (c === '!') {
      const notEquals = text[i + 1] === '=';
      tokens.push({ kind: 'symbol', text: notEquals ? '!=' : '!', at: i });
      i += notEquals ? 2 : 1;
    } else if (c === '<' || c === '>') {
      fail(`the ${c} operator is not supported`, i);
    } else {
      const start = i;
      while (i < text.length && !/[\s,()=!<>]/.test(text[i])) {
        i++;
      }
      tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    return `"${key}" has an invalid prefix (a lowercase DNS subdomain is expected)`;
  }
  if (name.length > 63 || !NAME.test(name)) {
    return `"${key}" is not a valid label key (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`;
  }
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value !== '' && (value.length > 63 || !NAME.test(value))) {
    return `"${value}" is not a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`;
  }
  return undefined;
}

/**
 * Parses a Kubernetes label selector as the `backstage.io/kubernetes-label-selector` annotation
 * holds it: `a=b,c!=d,e in (f,g),h notin (i),j,!k` (also `==`). Throws an Error saying what is
 * wrong and where when the text is not a valid selector.
 *
 * @public
 */
export function parseLabelSelector(text: string): LabelSelector {
  const fail = (message: string, at: number): never => {
    throw new Error(
      `Invalid label selector "${text}": ${message} (at character ${at + 1})`,
    );
  };
  const tokens = tokenize(text, fail);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  const expectWord = (what: string): { text: string; at: number } => {
    const token = next();
    if (token.kind !== 'word') {
      return fail(
        `expected ${what}, found ${
          token.kind === 'end' ? 'the end' : `"${token.text}"`
        }`,
        token.at,
      );
    }
    return token;
  };
  const checkKey = (key: { text: string; at: number }) => {
    const problem = keyProblem(key.text);
    if (problem) {
      fail(problem, key.at);
    }
  };
  const checkValue = (value: { text: string; at: number }) => {
    const problem = valueProblem(value.text);
    if (problem) {
      fail(problem, value.at);
    }
  };
  const parseSet = (): string[] => {
    const open = next();
    if (open.kind !== 'symbol' || open.text !== '(') {
      return fail('expected "(" to open a set of values', open.at);
    }
    const values: string[] = [];
    for (;;) {
      const value = expectWord('a value');
      checkValue(value);
      values.push(value.text);
      const separator = next();
      if (separator.kind === 'symbol' && separator.text === ')') {
        return values;
      }
      if (separator.kind !== 'symbol' || separator.text !== ',') {
        return fail('expected "," or ")" in a set of values', separator.at);
      }
    }
  };

  const requirements: LabelRequirement[] = [];
  if (peek().kind === 'end') {
    return { requirements };
  }
  for (;;) {
    const first = peek();
    if (first.kind === 'symbol' && first.text === '!') {
      next();
      const key = expectWord('a label key after "!"');
      checkKey(key);
      requirements.push({
        key: key.text,
        operator: 'DoesNotExist',
        values: [],
      });
    } else {
      const key = expectWord('a label key');
      checkKey(key);
      const operator = peek();
      let requirement: LabelRequirement;
      if (
        operator.kind === 'end' ||
        (operator.kind === 'symbol' && operator.text === ',')
      ) {
        requirement = { key: key.text, operator: 'Exists', values: [] };
      } else if (
        operator.kind === 'symbol' &&
        (operator.text === '=' ||
          operator.text === '==' ||
          operator.text === '!=')
      ) {
        next();
        // `a=` selects the empty value, as in Kubernetes.
        const after = peek();
        const value = { text: '', at: after.at };
        if (after.kind === 'word') {
          next();
          value.text = after.text;
        }
        checkValue(value);
        const op: LabelSelectorOperator =
          operator.text === '!=' ? 'NotEquals' : 'Equals';
        requirement = { key: key.text, operator: op, values: [value.text] };
      } else if (
        operator.kind === 'word' &&
        (operator.text === 'in' || operator.text === 'notin')
      ) {
        next();
        requirement = {
          key: key.text,
          operator: operator.text === 'in' ? 'In' : 'NotIn',
          values: parseSet(),
        };
      } else {
        return fail(
          `expected an operator (=, ==, !=, in, notin) or "," after "${key.text}", found "${operator.text}"`,
          operator.at,
        );
      }
      requirements.push(requirement);
    }
    const separator = next();
    if (separator.kind === 'end') {
      return { requirements };
    }
    if (separator.kind !== 'symbol' || separator.text !== ',') {
      return fail(`expected "," between requirements`, separator.at);
    }
  }
}
