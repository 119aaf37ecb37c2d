import { InvalidArgumentError } from 'commander';
import { parseDate } from '../rules/period.js';

export function integerOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    return n;
  };
}

export function dateOption(value: string): string {
  try {
    parseDate(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return value;
}
