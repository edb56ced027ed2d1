import type { Position } from '@xmargin/risk';
import type { PositionBody } from '@xmargin/schemas/http';

/** Splits the HTTP position (with the protocol's id) into the id and the spec section 6 position. */
export function toRiskPosition(body: PositionBody): { id: string; position: Position } {
  const { id, ...position } = body;
  return { id, position: position as Position };
}

/** The HTTP view of a stored position. */
export function toPositionBody(id: string, position: Position): PositionBody {
  return { id, ...position } as PositionBody;
}
