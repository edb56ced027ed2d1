/** An engine error answer (`{ error: { code, message } }`) or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryParams = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** `?a=1&b=x` from the defined, non-empty parameters, in the order given. */
export function queryString(params: QueryParams = {}): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export interface Api {
  readonly key: string;
  get<T>(path: string, params?: QueryParams): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** Reads the engine's error body; anything else becomes a generic HTTP error. */
async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'HTTP_ERROR', body.error?.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, 'HTTP_ERROR', res.statusText);
  }
}

/** The console's only way to the engine: HTTP under /v1 with the operator's bearer key. */
export function createApi(key: string, baseUrl = ''): Api {
  const headers = { authorization: `Bearer ${key}` };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw await toError(res);
    return (await res.json()) as T;
  };
  return {
    key,
    get: (path, params) => call('GET', `${path}${queryString(params)}`),
    send: (method, path, body) => call(method, path, body),
  };
}
