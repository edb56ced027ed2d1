import { describe, expect, it } from 'vitest';
import { readEventStream, type ServerSentEvent } from './read-event-stream.js';

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function collect(chunks: readonly string[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of readEventStream(streamOf(chunks))) out.push(e);
  return out;
}

describe('readEventStream', () => {
  it('parses named events with ids, multi-line data, comments and the default event name', async () => {
    expect(
      await collect([': connected\n\n', 'id: 1\nevent: margin\ndata: {"a":1}\n\n', 'data: x\ndata:y\n\n']),
    ).toEqual([
      { event: 'margin', id: '1', data: '{"a":1}' },
      { event: 'message', id: '1', data: 'x\ny' },
    ]);
  });

  it('handles events and CRLF line ends split across chunks, and ignores a trailing partial event', async () => {
    expect(
      await collect([
        'ev',
        'ent: threshold\r',
        '\ndata: {"b"',
        ':2}\r\n\r',
        '\n',
        'event: lost\ndata: never dispatched',
      ]),
    ).toEqual([{ event: 'threshold', id: undefined, data: '{"b":2}' }]);
  });

  it('dispatches nothing for a block without data and treats a field without a colon as empty', async () => {
    expect(await collect(['event: empty\n\n', 'data\n\n'])).toEqual([
      { event: 'message', id: undefined, data: '' },
    ]);
  });
});
