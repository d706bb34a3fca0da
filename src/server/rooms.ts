/** Room membership: which connections are in which room, for `broadcast({room})`. */

/** Members of each room. Empty rooms are dropped so the index never grows with churn. */
export class RoomIndex<Member> {
  readonly #rooms = new Map<string, Set<Member>>();

  /** @param onChange called after every add or remove (scale-out republishes room counts). */
  constructor(private readonly onChange?: () => void) {}

  /** Adds `member` to `room`. */
  add(room: string, member: Member): void {
    let members = this.#rooms.get(room);
    if (members === undefined) this.#rooms.set(room, (members = new Set()));
    members.add(member);
    this.onChange?.();
  }

  /** Removes `member` from `room`. */
  remove(room: string, member: Member): void {
    const members = this.#rooms.get(room);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.#rooms.delete(room);
    this.onChange?.();
  }

  /** The members of `room` (empty when it does not exist). */
  members(room: string): ReadonlySet<Member> {
    return this.#rooms.get(room) ?? EMPTY;
  }

  /** Each room with its members. */
  entries(): IterableIterator<[string, ReadonlySet<Member>]> {
    return this.#rooms.entries();
  }

  /** Names of the rooms that have members. */
  names(): IterableIterator<string> {
    return this.#rooms.keys();
  }
}

const EMPTY: ReadonlySet<never> = new Set();
