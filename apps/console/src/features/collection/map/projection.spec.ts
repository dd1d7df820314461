import { describe, expect, it } from '@jest/globals';
import { fitView, MIN_SPAN, tilesFor, toWorld } from './projection';

const AMIENS = [
  { latitude: 49.8941, longitude: 2.2958 },
  { latitude: 49.9015, longitude: 2.2901 },
  { latitude: 49.8764, longitude: 2.3312 },
  { latitude: 49.9102, longitude: 2.2614 },
];

describe('toWorld', () => {
  it('should put the meeting of the equator and the meridian at the middle of the world', () => {
    expect(toWorld({ latitude: 0, longitude: 0 })).toEqual({ x: 0.5, y: 0.5 });
  });

  it('should draw north up and east to the right', () => {
    const paris = toWorld({ latitude: 48.8566, longitude: 2.3522 });
    const lille = toWorld({ latitude: 50.6292, longitude: 3.0573 });
    expect(lille.y).toBeLessThan(paris.y);
    expect(lille.x).toBeGreaterThan(paris.x);
  });
});

describe('fitView', () => {
  it('should show every position inside the padding, at one scale across and down', () => {
    const view = fitView(AMIENS, { width: 800, height: 480, padding: 36 });
    const points = AMIENS.map(view.project);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(36 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(800 - 36 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(36 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(480 - 36 + 1e-9);
    }
    // The tightest dimension touches its padding on both sides: nothing is wasted or cut.
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const usedX = Math.max(...xs) - Math.min(...xs);
    const usedY = Math.max(...ys) - Math.min(...ys);
    expect(Math.max(usedX / (800 - 72), usedY / (480 - 72))).toBeCloseTo(1, 6);
    // Not stretched: a world distance is the same number of pixels either way.
    const [a, b] = [toWorld(AMIENS[0]!), toWorld(AMIENS[2]!)];
    expect((points[2]!.x - points[0]!.x) / (b.x - a.x)).toBeCloseTo(
      (points[2]!.y - points[0]!.y) / (b.y - a.y),
      6,
    );
  });

  it('should centre one position without blowing it up past the smallest span', () => {
    const view = fitView([AMIENS[0]!], { width: 400, height: 400, padding: 20 });
    const at = view.project(AMIENS[0]!);
    expect(at.x).toBeCloseTo(200, 6);
    expect(at.y).toBeCloseTo(200, 6);
    expect(view.scale).toBeCloseTo(360 / MIN_SPAN, 6);
  });
});

describe('tilesFor', () => {
  it('should cover the frame with tiles of the zoom level drawn no smaller than they were made', () => {
    const view = fitView(AMIENS, { width: 800, height: 480, padding: 36 });
    const tiles = tilesFor(view, '/tiles/{z}/{x}/{y}.png');
    const zoom = Number(tiles[0]!.key.split('/')[0]);
    expect(tiles[0]!.size).toBeGreaterThanOrEqual(256);
    expect(tiles[0]!.size).toBeLessThan(512);
    expect(Math.min(...tiles.map((t) => t.x))).toBeLessThanOrEqual(0);
    expect(Math.min(...tiles.map((t) => t.y))).toBeLessThanOrEqual(0);
    expect(Math.max(...tiles.map((t) => t.x + t.size))).toBeGreaterThanOrEqual(800);
    expect(Math.max(...tiles.map((t) => t.y + t.size))).toBeGreaterThanOrEqual(480);
    expect(tiles[0]!.href).toMatch(new RegExp(`^/tiles/${zoom}/\\d+/\\d+\\.png$`));
  });

  it('should wrap the tile numbers across the antimeridian', () => {
    const view = fitView(
      [
        { latitude: 0, longitude: 179.9 },
        { latitude: 0.1, longitude: -179.9 + 360 },
      ],
      { width: 256, height: 256, padding: 0 },
    );
    const count = 2 ** Number(tilesFor(view, '{z}/{x}/{y}')[0]!.key.split('/')[0]);
    for (const tile of tilesFor(view, '{z}/{x}/{y}')) {
      const x = Number(tile.href.split('/')[1]);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(count);
    }
  });
});
