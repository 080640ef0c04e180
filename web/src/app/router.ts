/**
 * Hash routes: #/, #/signin, #/signup, #/new, #/space/:id. A screen renders into the main
 * element and returns a cleanup function, called when the route changes (closes sockets,
 * stops audio). Unknown routes show a small "not found" screen.
 */
export type Cleanup = () => void;
export type Screen = (root: HTMLElement, params: Record<string, string>) => Cleanup | void;

interface Route {
  pattern: RegExp;
  keys: string[];
  screen: Screen;
}

export class Router {
  private readonly routes: Route[] = [];
  private cleanup: Cleanup | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly notFound: Screen,
  ) {}

  /** `path` like '/space/:id'. */
  add(path: string, screen: Screen): this {
    const keys: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ pattern: new RegExp(`^${source}$`), keys, screen });
    return this;
  }

  start(): void {
    window.addEventListener('hashchange', () => this.render());
    this.render();
  }

  render(): void {
    const path = currentPath();
    this.cleanup?.();
    this.cleanup = null;
    this.root.replaceChildren();
    document.title = 'Rostra';
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      this.cleanup = route.screen(this.root, params) ?? null;
      this.focusHeading();
      return;
    }
    this.cleanup = this.notFound(this.root, {}) ?? null;
  }

  /** Moves focus to the screen's heading so screen readers announce the new page. */
  private focusHeading(): void {
    const heading = this.root.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

export function currentPath(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash === '' ? '/' : (hash.split('?')[0] ?? '/');
}

export function navigate(path: string): void {
  if (currentPath() === path) return;
  location.hash = `#${path}`;
}
