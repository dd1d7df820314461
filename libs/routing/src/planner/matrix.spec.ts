import { describe, expect, it } from '@jest/globals';
import {
  OsrmError,
  fetchOsrmMatrix,
  greatCircleDistance,
  greatCircleMatrix,
  travelMatrix,
} from './matrix.js';

const LYON = { lat: 45.764, lon: 4.8357 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const GRENOBLE = { lat: 45.1885, lon: 5.7245 };

function fakeFetch(body: unknown, status = 200): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const impl: typeof fetch = async (url) => {
    urls.push(url instanceof Request ? url.url : url.toString());
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: impl, urls };
}

describe(greatCircleMatrix.name, () => {
  it('should give great-circle distances times the detour factor, and times at the average speed', () => {
    expect(greatCircleDistance(LYON, PARIS) / 1000).toBeCloseTo(391.5, 0);
    const sut = greatCircleMatrix([LYON, PARIS], { detourFactor: 1.25, speedKmh: 60 });
    expect(sut.distance[1]!).toBeCloseTo(greatCircleDistance(LYON, PARIS) * 1.25, 6);
    expect(sut.distance[2]!).toBe(sut.distance[1]!);
    expect(sut.distance[0]!).toBe(0);
    expect(sut.duration[1]!).toBeCloseTo(sut.distance[1]! / (60 / 3.6), 6);
  });

  it('should refuse a detour factor below 1', () => {
    expect(() => greatCircleMatrix([LYON], { detourFactor: 0.9 })).toThrow(/detourFactor/);
  });
});

describe(fetchOsrmMatrix.name, () => {
  it('should ask OSRM for lon,lat pairs and read its distances and durations', async () => {
    const { fetch, urls } = fakeFetch({
      code: 'Ok',
      distances: [
        [0, 105000],
        [104000, 0],
      ],
      durations: [
        [0, 4000],
        [4100, 0],
      ],
    });
    const sut = await fetchOsrmMatrix([LYON, GRENOBLE], { baseUrl: 'http://osrm:5000/', fetch });
    expect(urls).toEqual([
      'http://osrm:5000/table/v1/driving/4.835700,45.764000;5.724500,45.188500?annotations=distance,duration',
    ]);
    expect(Array.from(sut.distance)).toEqual([0, 105000, 104000, 0]);
    expect(Array.from(sut.duration)).toEqual([0, 4000, 4100, 0]);
  });

  it('should fall back to the great circle for pairs OSRM cannot route', async () => {
    const { fetch } = fakeFetch({
      code: 'Ok',
      distances: [
        [0, null],
        [104000, 0],
      ],
      durations: [
        [0, null],
        [4100, 0],
      ],
    });
    const sut = await fetchOsrmMatrix([LYON, GRENOBLE], { baseUrl: 'http://osrm:5000', fetch });
    expect(sut.distance[1]!).toBeCloseTo(greatCircleDistance(LYON, GRENOBLE) * 1.3, 3);
  });

  it('should fail with the server’s message when OSRM refuses', async () => {
    const { fetch } = fakeFetch({ code: 'TooBig', message: 'Too many table coordinates' }, 400);
    await expect(
      fetchOsrmMatrix([LYON, GRENOBLE], { baseUrl: 'http://osrm:5000', fetch }),
    ).rejects.toThrow(
      new OsrmError('OSRM table failed (HTTP 400, TooBig): Too many table coordinates'),
    );
  });

  it('should fail when the answer does not have one row per location', async () => {
    const { fetch } = fakeFetch({ code: 'Ok', distances: [[0, 1]], durations: [[0, 1]] });
    await expect(
      fetchOsrmMatrix([LYON, GRENOBLE], { baseUrl: 'http://osrm:5000', fetch }),
    ).rejects.toThrow(/2×2/);
  });
});

describe(travelMatrix.name, () => {
  const problem = {
    depots: [{ id: 'd', location: LYON }],
    vehicles: [],
    pickups: [
      {
        id: 'p',
        location: GRENOBLE,
        serviceDuration: 0,
        demand: {},
        requiredSkills: [],
        timeWindows: [{ start: 0, end: 1 }],
      },
    ],
  };

  it('should use OSRM when it is configured, great circles otherwise', async () => {
    const { fetch, urls } = fakeFetch({
      code: 'Ok',
      distances: [
        [0, 1],
        [1, 0],
      ],
      durations: [
        [0, 1],
        [1, 0],
      ],
    });
    expect((await travelMatrix(problem, { osrmUrl: 'http://osrm:5000', fetch })).distance[1]!).toBe(
      1,
    );
    expect(urls).toHaveLength(1);
    expect((await travelMatrix(problem)).distance[1]!).toBeCloseTo(
      greatCircleDistance(LYON, GRENOBLE) * 1.3,
      3,
    );
  });
});
