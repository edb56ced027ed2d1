import { whoamiDto } from '@xmargin/schemas/http';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

/** Who the console is signed in as: it hides the write controls from read-only operator keys. */
export function adminSessionRoutes() {
  return (app: App) => {
    app.get(
      '/admin/whoami',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['admin'],
          summary: 'The calling key: name and role',
          security: bearerSecurity,
          response: { 200: whoamiDto, ...authErrors },
        },
      },
      async (request) => {
        const p = principalOf(request);
        return { name: p.name, role: p.role };
      },
    );
  };
}
