/**
 * Positions on a map drawn here, without a tile server (none is reachable from this
 * cluster's machines): Web Mercator, as every tile server draws the world, so that the
 * same points can sit on tiles when a server is configured. World coordinates run from 0
 * to 1 (x eastwards from the antimeridian, y southwards from about 85° N).
 */
export interface LatLon {
  latitude: number;
  longitude: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Web Mercator stops short of the poles; nothing of the cluster's lies beyond. */
const MAX_LATITUDE = 85.051_128_78;

export function toWorld({ latitude, longitude }: LatLon): Point {
  const lat = (Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, latitude)) * Math.PI) / 180;
  return {
    x: (longitude + 180) / 360,
    y: (1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2,
  };
}

/**
 * The smallest stretch of world a map shows (about 3 km at Amiens' latitude): one stop, or
 * stops in one street, are not blown up to fill the frame.
 */
export const MIN_SPAN = 1.2e-4;

export interface MapView {
  width: number;
  height: number;
  /** Pixels per world unit. */
  scale: number;
  /** The world point drawn at the frame's top left corner. */
  origin: Point;
  project: (position: LatLon) => Point;
}

/**
 * A frame of `width` × `height` that shows every position, `padding` pixels from the
 * edges, the same scale across and down (a map is not stretched), centred.
 */
export function fitView(
  positions: readonly LatLon[],
  { width, height, padding }: { width: number; height: number; padding: number },
): MapView {
  const world = positions.map(toWorld);
  const xs = world.map((p) => p.x);
  const ys = world.map((p) => p.y);
  const centre = world.length
    ? {
        x: (Math.min(...xs) + Math.max(...xs)) / 2,
        y: (Math.min(...ys) + Math.max(...ys)) / 2,
      }
    : toWorld({ latitude: 49.894, longitude: 2.296 });
  const spanX = world.length ? Math.max(MIN_SPAN, Math.max(...xs) - Math.min(...xs)) : MIN_SPAN;
  const spanY = world.length ? Math.max(MIN_SPAN, Math.max(...ys) - Math.min(...ys)) : MIN_SPAN;
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY);
  const origin = { x: centre.x - width / 2 / scale, y: centre.y - height / 2 / scale };
  return {
    width,
    height,
    scale,
    origin,
    project: (position) => {
      const p = toWorld(position);
      return { x: (p.x - origin.x) * scale, y: (p.y - origin.y) * scale };
    },
  };
}

export interface Tile {
  key: string;
  href: string;
  x: number;
  y: number;
  size: number;
}

/** A tile server's images are 256 pixels square at every zoom level. */
const TILE = 256;
const MAX_ZOOM = 19;

/**
 * The tiles under a view, from a URL template such as `/tiles/{z}/{x}/{y}.png`: the zoom
 * level whose tiles are drawn no smaller than they were made, every tile that the frame
 * touches, drawn at the view's scale.
 */
export function tilesFor(view: MapView, template: string): Tile[] {
  const zoom = Math.max(0, Math.min(MAX_ZOOM, Math.floor(Math.log2(view.scale / TILE))));
  const count = 2 ** zoom;
  const size = view.scale / count;
  const first = { x: Math.floor(view.origin.x * count), y: Math.floor(view.origin.y * count) };
  const last = {
    x: Math.floor((view.origin.x + view.width / view.scale) * count),
    y: Math.floor((view.origin.y + view.height / view.scale) * count),
  };
  const tiles: Tile[] = [];
  for (let ty = Math.max(0, first.y); ty <= Math.min(count - 1, last.y); ty++)
    for (let tx = first.x; tx <= last.x; tx++) {
      // Across the antimeridian the world repeats.
      const wrapped = ((tx % count) + count) % count;
      tiles.push({
        key: `${zoom}/${tx}/${ty}`,
        href: template
          .replace('{z}', String(zoom))
          .replace('{x}', String(wrapped))
          .replace('{y}', String(ty)),
        x: (tx / count - view.origin.x) * view.scale,
        y: (ty / count - view.origin.y) * view.scale,
        size,
      });
    }
  return tiles;
}
