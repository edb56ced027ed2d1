import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse.js';

describe('createSseParser', () => {
  it('yields each event once, whatever the chunk boundaries', () => {
    const text =
      ': connected\n\nid: 1\nevent: margin\ndata: {"accountId":"acc_a"}\n\n: ping\n\nid: 2\r\nevent: threshold\r\ndata: {"x":1}\r\n\r\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const events: SseEvent[] = [];
      const push = createSseParser((e) => events.push(e));
      for (let i = 0; i < text.length; i += size) push(text.slice(i, i + size));
      expect(events).toEqual([
        { event: 'margin', data: '{"accountId":"acc_a"}', id: '1' },
        { event: 'threshold', data: '{"x":1}', id: '2' },
      ]);
    }
  });

  it('joins multi-line data, defaults the event name and keeps an incomplete event for later', () => {
    const events: SseEvent[] = [];
    const push = createSseParser((e) => events.push(e));
    push('data: a\ndata:b\n\ndata: c');
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
    push('\n\n');
    expect(events.map((e) => e.data)).toEqual(['a\nb', 'c']);
  });
});
