import { HandlerTimeoutError, isAbortedTransaction, isTransientError } from './transient-errors.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe(isTransientError.name, () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['starting up', withCode('57P03', 'the database system is starting up')],
    ['serialization failure', withCode('40001')],
    ['deadlock', withCode('40P01')],
    ['connection exception class 08', withCode('08006')],
    [
      'a dropped client',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a NATS timeout', Object.assign(new Error('timeout'), { name: 'TimeoutError' })],
    ['a wrapped cause', new Error('handler failed', { cause: withCode('ECONNREFUSED') })],
  ])('should call %s transient', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a division by zero', withCode('22012')],
    ['an aborted transaction', withCode('25P02', 'current transaction is aborted')],
    ['a statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['a handler timeout', new HandlerTimeoutError(400)],
    ['a thrown string', 'nope'],
    ['nothing', undefined],
  ])('should call %s the handler’s own failure', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});

describe(isAbortedTransaction.name, () => {
  it('should recognise an aborted transaction by its state or its message, through causes', () => {
    expect(isAbortedTransaction(withCode('25P02'))).toBe(true);
    expect(
      isAbortedTransaction(new Error('x', { cause: new Error('current transaction is aborted') })),
    ).toBe(true);
    expect(isAbortedTransaction(withCode('22012'))).toBe(false);
  });
});
