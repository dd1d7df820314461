import { asRefusal, Refusal } from './errors.js';

describe(asRefusal.name, () => {
  it('should keep a refusal of the service as it is', () => {
    const refusal = new Refusal('insufficient-quantity', 'only 0 left');
    expect(asRefusal(refusal)).toBe(refusal);
  });

  it.each([
    ['a value the database cannot take', '22021'],
    ['a rule of the record', '23514'],
    ['a duplicate', '23505'],
  ])('should answer %s (SQLSTATE %s) as a refusal, never to be retried', (_what, code) => {
    const error = Object.assign(new Error('new row violates check constraint'), { code });
    expect(asRefusal(error)).toMatchObject({ code: 'validation' });
  });

  it.each([
    ['a connection refused', 'ECONNREFUSED'],
    ['the server shutting down', '57P01'],
    ['a serialization failure', '40001'],
  ])('should leave %s to be retried', (_what, code) => {
    expect(asRefusal(Object.assign(new Error('x'), { code }))).toBeUndefined();
  });
});
