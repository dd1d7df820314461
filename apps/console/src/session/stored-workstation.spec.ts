import { describe, expect, it } from '@jest/globals';
import { NO_WORKSTATION, parseWorkstation } from './stored-workstation';

describe('parseWorkstation', () => {
  it('should read the workstation kept on the device', () => {
    expect(parseWorkstation('{"siteId":"s1","locationId":"l1"}')).toEqual({
      ...NO_WORKSTATION,
      siteId: 's1',
      locationId: 'l1',
    });
  });

  it('should ignore what cannot be a workstation, field by field', () => {
    for (const kept of [null, '', 'not json', '[1]', 'null', '42', '"s1"'])
      expect(parseWorkstation(kept)).toEqual(NO_WORKSTATION);
    expect(parseWorkstation('{"siteId":7,"locationId":"l1","other":"x"}')).toEqual({
      ...NO_WORKSTATION,
      locationId: 'l1',
    });
  });
});
