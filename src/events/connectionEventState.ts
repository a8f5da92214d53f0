// What the dispatcher remembers per connection between events: the next `ce-id` (0 for
// `connect`, then 1, 2, ... as Microsoft's emulator numbers them) and the cookie jar. Dropped
// when the connection's `disconnected` event is raised or its `connect` is refused.
import { CookieJar } from "./cookieJar.js";

export interface ConnectionEventState {
  nextEventId: number;
  readonly cookies: CookieJar;
  /** Settles when the connection's latest fire-and-forget event is done (keeps them in order). */
  lastFireAndForget: Promise<void>;
}

export class ConnectionEventStates {
  private readonly states = new Map<string, ConnectionEventState>();

  get(connectionId: string): ConnectionEventState {
    let state = this.states.get(connectionId);
    if (!state) {
      state = { nextEventId: 0, cookies: new CookieJar(), lastFireAndForget: Promise.resolve() };
      this.states.set(connectionId, state);
    }
    return state;
  }

  /** The id of the next event of this connection (`connect` is always 0). */
  nextId(connectionId: string, isConnect: boolean): string {
    const state = this.get(connectionId);
    if (isConnect) {
      state.nextEventId = Math.max(state.nextEventId, 1);
      return "0";
    }
    if (state.nextEventId === 0) state.nextEventId = 1;
    return String(state.nextEventId++);
  }

  forget(connectionId: string): void {
    this.states.delete(connectionId);
  }

  get size(): number {
    return this.states.size;
  }
}
