/*
 * Upgrade requests, their steps and their append-only event log.
 *
 * `active_target` holds `<cluster>/<target_key>` while a request is pending-approval, approved or
 * running, and NULL otherwise: its unique index is how the database refuses a second active request
 * for the same namespace, gateway Service or tag (NULLs never collide, on SQLite and PostgreSQL).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('istio_upgrade_requests', table => {
    table.comment(
      'Requests to change a cluster: namespace migrations, gateway cutovers, tag moves',
    );
    table.string('id', 36).primary().notNullable();
    table.string('type', 32).notNullable();
    table.string('state', 32).notNullable();
    table.string('cluster', 63).notNullable();
    table
      .string('target_key', 255)
      .notNullable()
      .comment('namespace:<ns>, service:<ns>/<name> or tag:<tag>');
    table
      .string('active_target', 320)
      .nullable()
      .unique()
      .comment('<cluster>/<target_key> while active, else NULL');
    table.text('target').notNullable().comment('JSON of the request target');
    table.string('revision', 63).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('requested_by', 255).notNullable();
    table.string('idempotency_key', 128).nullable();
    table.string('rollback_of', 36).nullable();
    table.string('rolled_back_by', 36).nullable();
    table.boolean('approval_required').notNullable();
    table.string('approval_reason', 500).nullable();
    table.text('comment').nullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('decision_comment').nullable();
    table.text('options').notNullable().comment('JSON of the request options');
    table
      .text('plan')
      .notNullable()
      .comment('JSON of the plan: the exact patches and waves');
    table.integer('pods_in_scope').notNullable().defaultTo(0);
    table.integer('pods_migrated').notNullable().defaultTo(0);
    table.string('current_step', 100).nullable();
    table.text('error').nullable();
    table.boolean('cancel_requested').notNullable().defaultTo(false);
    table.string('requested_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('started_at', 32).nullable();
    table.string('finished_at', 32).nullable();
    table.string('lease_owner', 255).nullable();
    table.bigInteger('lease_expires_at').nullable().comment('epoch ms');
    table.bigInteger('fencing_token').notNullable().defaultTo(0);
    table.unique(['requested_by', 'idempotency_key'], {
      indexName: 'istio_upgrade_requests_idempotency_idx',
    });
    table.index(['state'], 'istio_upgrade_requests_state_idx');
    table.index(['entity_ref'], 'istio_upgrade_requests_entity_idx');
    table.index(['cluster'], 'istio_upgrade_requests_cluster_idx');
  });

  await knex.schema.createTable('istio_upgrade_request_steps', table => {
    table.comment('The steps of a request, in order, with their state');
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('istio_upgrade_requests')
      .onDelete('CASCADE');
    table.integer('step_index').notNullable();
    table.string('name', 100).notNullable();
    table.text('description').nullable();
    table.string('state', 16).notNullable();
    table.string('started_at', 32).nullable();
    table.string('finished_at', 32).nullable();
    table.text('message').nullable();
    table
      .text('detail')
      .nullable()
      .comment('JSON the step keeps to be idempotent (e.g. restart stamps)');
    table.primary(['request_id', 'step_index']);
  });

  await knex.schema.createTable('istio_upgrade_request_events', table => {
    table.comment('Append-only log of what happened to a request');
    table.bigIncrements('id').primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('istio_upgrade_requests')
      .onDelete('CASCADE');
    table.string('at', 32).notNullable();
    table.string('type', 32).notNullable();
    table.text('message').notNullable();
    table.string('actor', 255).nullable();
    table.index(['request_id'], 'istio_upgrade_request_events_request_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('istio_upgrade_request_events');
  await knex.schema.dropTable('istio_upgrade_request_steps');
  await knex.schema.dropTable('istio_upgrade_requests');
};
