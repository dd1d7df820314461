import { Naming } from './naming.js';
import { assertNoRpcCapture } from './streams/provisioning.js';

describe(Naming.name, () => {
  it('should use the contract names as they are without a prefix', () => {
    const sut = new Naming();
    expect(sut.subject('inventory.item.certified.v1')).toBe('inventory.item.certified.v1');
    expect(sut.stream('inventory')).toBe('INVENTORY');
    expect(sut.streamSubjects('inventory')).toEqual(['inventory.>']);
    expect(sut.durable('matching.hold-placed')).toBe('matching_hold-placed');
    expect(sut.deadLetterSubject('matching.hold-placed', 'inventory.hold.placed.v1')).toBe(
      'deadletter.matching.hold-placed.inventory.hold.placed.v1',
    );
  });

  it('should keep every name of one test prefix apart from the others', () => {
    const sut = new Naming('t1a2b.');
    expect(sut.subject('inventory.item.certified.v1')).toBe('t1a2b.inventory.item.certified.v1');
    expect(sut.stream('inventory')).toBe('T1A2B_INVENTORY');
    expect(sut.deadLetterStream()).toBe('T1A2B_DEADLETTER');
    expect(sut.deadLetterSubject('c', 't1a2b.inventory.x.y.v1')).toBe(
      't1a2b.deadletter.c.inventory.x.y.v1',
    );
  });

  it('should refuse a prefix that would break subjects', () => {
    expect(() => new Naming('Bad')).toThrow(/prefix/);
  });
});

describe(assertNoRpcCapture.name, () => {
  it('should refuse a stream subject that captures request/reply subjects', () => {
    expect(() => assertNoRpcCapture(new Naming(), ['rpc.>'])).toThrow(/request\/reply/);
    expect(() => assertNoRpcCapture(new Naming(), ['>'])).toThrow(/request\/reply/);
    expect(() => assertNoRpcCapture(new Naming('t1.'), ['t1.rpc.inventory.>'])).toThrow(
      /request\/reply/,
    );
  });

  it('should accept a producer stream', () => {
    expect(() => assertNoRpcCapture(new Naming(), ['inventory.>'])).not.toThrow();
  });
});
