/** Per-route flags the app-wide hooks read (req.routeOptions.config). */
export interface RouteFlags {
  /** false: not under the per-address API rate limit */
  apiLimit?: boolean;
  /** true: other sites may frame this route (frame-ancestors *); every other route refuses */
  framable?: boolean;
}

/**
 * Route option of the media routes (live and replay): a player fetches many in a burst, and a
 * CDN edge or a NAT holds many listeners behind one address, so they skip the per-address API
 * limit (admission and the per-address connection cap bound them instead).
 */
export const MEDIA_ROUTE = { config: { apiLimit: false } satisfies RouteFlags };
