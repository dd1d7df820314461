import { describe, expect, it } from '@jest/globals';
import { parseFrames } from './event-stream';

describe('parseFrames', () => {
  it('should read each complete frame and keep the one still arriving', () => {
    const parsed = parseFrames(
      'retry: 3000\n: following\n\nid: e-1\nevent: matching.reservation.status-changed.v1\ndata: {"data":{"status":"confirmed"}}\n\n: keep-alive\n\nid: e-2\nevent: inv',
    );
    expect(parsed.events).toEqual([
      {
        id: 'e-1',
        event: 'matching.reservation.status-changed.v1',
        data: { data: { status: 'confirmed' } },
      },
    ]);
    expect(parsed.lastId).toBe('e-1');
    expect(parsed.rest).toBe('id: e-2\nevent: inv');
  });

  it('should take the id of a heartbeat past unseen events as where to resume', () => {
    const parsed = parseFrames('id: e-9\n: heartbeat\n\n');
    expect(parsed.events).toEqual([]);
    expect(parsed.lastId).toBe('e-9');
  });

  it('should read the API’s own events, CRLF lines and data over several lines', () => {
    const parsed = parseFrames('event: end\r\ndata: {"reason":\r\ndata: "token-expired"}\r\n\r\n');
    expect(parsed.events).toEqual([{ event: 'end', data: { reason: 'token-expired' } }]);
    expect(parsed.rest).toBe('');
  });
});
