/**
 * Versioned schema migrations. Append only: a released migration is never edited, a new one is added.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'networks, node state and known peers',
    sql: `
      CREATE TABLE networks (
        network_id  TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        genesis     TEXT NOT NULL,
        own_devnet  INTEGER NOT NULL CHECK (own_devnet IN (0, 1)),
        joined_at   INTEGER NOT NULL
      );
      CREATE TABLE node_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE known_peers (
        network_id  TEXT NOT NULL REFERENCES networks(network_id) ON DELETE CASCADE,
        peer_id     TEXT NOT NULL,
        addrs       TEXT NOT NULL,
        last_seen   INTEGER NOT NULL,
        PRIMARY KEY (network_id, peer_id)
      );
    `,
  },
  {
    version: 2,
    name: 'ledger blocks and the validator signing guard',
    sql: `
      CREATE TABLE blocks (
        network_id  TEXT NOT NULL REFERENCES networks(network_id) ON DELETE CASCADE,
        height      INTEGER NOT NULL CHECK (height >= 1),
        hash        TEXT NOT NULL,
        block       TEXT NOT NULL,
        commit_json TEXT NOT NULL,
        time_ms     INTEGER NOT NULL,
        PRIMARY KEY (network_id, height)
      );
      CREATE TABLE signing_guard (
        network_id  TEXT PRIMARY KEY REFERENCES networks(network_id) ON DELETE CASCADE,
        position    TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'sharing settings per resource',
    sql: `
      CREATE TABLE sharing_settings (
        resource    TEXT PRIMARY KEY CHECK (resource IN ('cpu', 'gpu', 'memory', 'storage')),
        settings    TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'leases this node issued',
    sql: `
      CREATE TABLE leases (
        nonce       TEXT PRIMARY KEY,
        asset_id    TEXT NOT NULL,
        holder      TEXT NOT NULL,
        amount      TEXT NOT NULL,
        expires_at  INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('issued', 'active', 'released', 'revoked')),
        lease       TEXT NOT NULL,
        issued_at   INTEGER NOT NULL
      );
      CREATE INDEX leases_by_asset ON leases (asset_id, status);
    `,
  },
  {
    version: 5,
    name: 'usage receipts and rewards earned',
    sql: `
      CREATE TABLE usage_receipts (
        lease_nonce TEXT NOT NULL,
        from_ms     INTEGER NOT NULL,
        to_ms       INTEGER NOT NULL,
        chain_id    TEXT NOT NULL,
        resource    TEXT NOT NULL,
        receipt     TEXT NOT NULL,
        lease       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'claimed', 'refused')),
        reason      TEXT,
        submitted_height INTEGER,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (lease_nonce, from_ms)
      );
      CREATE INDEX usage_receipts_by_status ON usage_receipts (chain_id, status);
      CREATE TABLE reward_epochs (
        chain_id    TEXT NOT NULL,
        epoch       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        time_ms     INTEGER NOT NULL,
        amounts     TEXT NOT NULL,
        PRIMARY KEY (chain_id, epoch)
      );
    `,
  },
  {
    version: 6,
    name: 'files stored on peers',
    sql: `
      CREATE TABLE stored_files (
        file_id     TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        size        INTEGER NOT NULL,
        k           INTEGER NOT NULL,
        holders     TEXT NOT NULL,
        manifest    TEXT NOT NULL,
        stored_at   INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'signed records version 2: lease ids, startsAt/endsAt, network ids',
    // Records of version 1 were signed under the old field names: they can no longer be presented to an
    // owner or claimed on a ledger, so leases issued and receipts not yet claimed under them are dropped.
    // Claimed and refused receipts stay, for the rewards view's counts; earnings history stays as it was.
    sql: `
      DELETE FROM leases;
      ALTER TABLE leases RENAME COLUMN nonce TO lease_id;
      ALTER TABLE leases RENAME COLUMN expires_at TO ends_at;
      DELETE FROM usage_receipts WHERE status IN ('pending', 'submitted');
      ALTER TABLE usage_receipts RENAME COLUMN lease_nonce TO lease_id;
      ALTER TABLE usage_receipts RENAME COLUMN from_ms TO starts_at;
      ALTER TABLE usage_receipts RENAME COLUMN to_ms TO ends_at;
      ALTER TABLE usage_receipts RENAME COLUMN chain_id TO network_id;
      ALTER TABLE reward_epochs RENAME COLUMN chain_id TO network_id;
    `,
  },
  {
    version: 8,
    name: 'shards stored here, by the lease they are stored under',
    // Each shard a peer stored on this node, under which of this node's leases, and its size: what a lease
    // holds is counted across all its streams, and a lease's shards are deleted when it ends. Shards
    // stored before this have no row; they are deleted once no lease could still cover them (30 days).
    // A lease issued as the renewal of another names it (`renews`): its first use takes over the shards.
    sql: `
      ALTER TABLE leases ADD COLUMN renews TEXT;
      CREATE TABLE leased_shards (
        shard_key   TEXT NOT NULL,
        shard_index INTEGER NOT NULL,
        lease_id    TEXT NOT NULL,
        bytes       INTEGER NOT NULL CHECK (bytes > 0),
        stored_at   INTEGER NOT NULL,
        PRIMARY KEY (shard_key, shard_index)
      );
      CREATE INDEX leased_shards_by_lease ON leased_shards (lease_id);
    `,
  },
  {
    version: 9,
    name: "this node's own transactions, kept until committed or refused",
    sql: `
      CREATE TABLE own_txs (
        network_id       TEXT NOT NULL,
        tx_id            TEXT NOT NULL,
        sender           TEXT NOT NULL,
        nonce            INTEGER NOT NULL,
        kind             TEXT NOT NULL,
        tx               TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('pending', 'committed', 'refused')),
        reason           TEXT,
        height           INTEGER,
        submitted_height INTEGER NOT NULL,
        submitted_at     INTEGER NOT NULL,
        settled_at       INTEGER,
        PRIMARY KEY (network_id, tx_id)
      );
      CREATE INDEX own_txs_by_status ON own_txs (network_id, status);
    `,
  },
  {
    version: 10,
    name: 'membership credentials, and the peers that spoke STOQ',
    // The node's own credential per network (app/node/network/credential.ts), and every peer that proved
    // a FALCON key in a STOQ handshake, so that classical Noise stays refused from it across restarts.
    sql: `
      CREATE TABLE membership_credentials (
        network_id  TEXT PRIMARY KEY REFERENCES networks(network_id) ON DELETE CASCADE,
        credential  TEXT NOT NULL,
        ends_at     INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE TABLE stoq_peers (
        peer_id     TEXT PRIMARY KEY,
        last_seen   INTEGER NOT NULL
      );
      CREATE INDEX stoq_peers_by_last_seen ON stoq_peers (last_seen);
    `,
  },
  {
    version: 11,
    name: 'jobs this node submitted, and jobs it ran for others',
    // A submitted job's state as the UI shows it (JSON of shared/jobs-schemas.ts JobSummary), the receipts
    // it settles with, and its accepted output; and per job run for a peer, what it did and earned.
    sql: `
      CREATE TABLE jobs (
        job_id      TEXT PRIMARY KEY,
        network_id  TEXT NOT NULL,
        summary     TEXT NOT NULL,
        spec        TEXT NOT NULL,
        receipts    TEXT NOT NULL,
        output      BLOB,
        created_at  INTEGER NOT NULL
      );
      CREATE TABLE provided_jobs (
        job_id      TEXT NOT NULL,
        network_id  TEXT NOT NULL,
        record      TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        PRIMARY KEY (network_id, job_id)
      );
      CREATE INDEX provided_jobs_by_start ON provided_jobs (started_at);
    `,
  },
  {
    version: 12,
    name: 'account history: every change to an account, by block and transaction',
    // One row per account a transaction (or a block by itself) changed (app/consensus/history); the
    // indexed height is kept per network so that a restart indexes only blocks it has not seen.
    sql: `
      CREATE TABLE account_history (
        network_id     TEXT NOT NULL,
        account        TEXT NOT NULL,
        height         INTEGER NOT NULL,
        seq            INTEGER NOT NULL,
        tx_id          TEXT,
        kind           TEXT NOT NULL,
        category       TEXT NOT NULL,
        balance_change TEXT NOT NULL,
        stake_change   TEXT NOT NULL,
        fee            TEXT NOT NULL,
        counterparty   TEXT,
        time_ms        INTEGER NOT NULL,
        PRIMARY KEY (network_id, account, height, seq)
      );
      CREATE TABLE history_indexed (
        network_id  TEXT PRIMARY KEY,
        height      INTEGER NOT NULL
      );
    `,
  },
]
