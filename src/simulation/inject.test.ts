import { describe, expect, test } from 'vitest';
import { InjectionError, parseInjection } from './inject.js';

describe('the --inject option', () => {
  test('reads pattern=rate pairs separated by commas', () => {
    expect(parseInjection('split_admission=0.02, duplicate_claim=0.01,upcoding=1,after_death=0')).toEqual({ split_admission: 0.02, duplicate_claim: 0.01, upcoding: 1, after_death: 0 });
  });

  test('refuses an unknown pattern, naming the ones it knows', () => {
    expect(() => parseInjection('kickbacks=0.1')).toThrow(InjectionError);
    expect(() => parseInjection('kickbacks=0.1')).toThrow('unknown injection pattern "kickbacks": use duplicate_claim, after_death, outside_stay, split_admission, low_standard_admission, over_limit, upcoding');
  });

  test.each(['1.5', '-0.1', 'abc', ''])('refuses the rate "%s", which is not a number from 0 to 1', (rate) => {
    expect(() => parseInjection(`over_limit=${rate}`)).toThrow(`the rate of over_limit must be a number from 0 to 1, got "${rate}"`);
  });

  test('refuses a pattern without a rate', () => {
    expect(() => parseInjection('over_limit')).toThrow('the rate of over_limit must be a number from 0 to 1, got ""');
  });
});
