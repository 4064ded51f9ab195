/*
 * Fleet upgrade campaigns: the campaigns, the clusters each holds, their append-only event log and
 * what owners changed about their namespaces' place in a campaign. Requests a campaign makes name it.
 *
 * `active_cluster` of a campaign's cluster holds the cluster's name while the campaign is
 * pending-approval, approved, running, paused or aborting and has not skipped the cluster, and NULL
 * otherwise: its unique index is how the database refuses a second active campaign on a cluster
 * (NULLs never collide, on SQLite and PostgreSQL).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('istio_upgrade_campaigns', table => {
    table.comment(
      'Fleet upgrade campaigns: rings of clusters moved to a target Istio version',
    );
    table.string('id', 36).primary().notNullable();
    table.string('name', 255).notNullable();
    table.string('state', 32).notNullable();
    table.string('target_version', 64).notNullable();
    table
      .text('spec')
      .notNullable()
      .comment('JSON of the campaign as asked for, defaults filled in');
    table
      .text('plan')
      .notNullable()
      .comment(
        'JSON of the plan and the progress of its rings, clusters, waves',
      );
    table.string('requested_by', 255).notNullable();
    table.string('requested_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('started_at', 32).nullable();
    table.string('finished_at', 32).nullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('decision_comment').nullable();
    table.text('comment').nullable();
    table.text('paused_reason').nullable();
    table.text('error').nullable();
    table.integer('current_ring').nullable();
    table
      .boolean('pause_requested')
      .notNullable()
      .defaultTo(false)
      .comment('someone asked to pause after the wave in progress');
    table
      .text('skip_requested')
      .notNullable()
      .comment('JSON array of clusters asked to skip, not yet in the plan');
    table.string('lease_owner', 255).nullable();
    table.bigInteger('lease_expires_at').nullable().comment('epoch ms');
    table.bigInteger('fencing_token').notNullable().defaultTo(0);
    table.index(['state'], 'istio_upgrade_campaigns_state_idx');
    table.index(['requested_at'], 'istio_upgrade_campaigns_requested_idx');
  });

  await knex.schema.createTable('istio_upgrade_campaign_clusters', table => {
    table.comment('The clusters of a campaign, and which of them it holds');
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('istio_upgrade_campaigns')
      .onDelete('CASCADE');
    table.string('cluster', 63).notNullable();
    table
      .integer('position')
      .notNullable()
      .comment('the order of the cluster in the campaign');
    table
      .string('active_cluster', 63)
      .nullable()
      .unique({ indexName: 'istio_upgrade_campaign_clusters_active_idx' })
      .comment('the cluster while the campaign holds it, else NULL');
    table.primary(['campaign_id', 'cluster']);
    table.index(['cluster'], 'istio_upgrade_campaign_clusters_cluster_idx');
  });

  await knex.schema.createTable('istio_upgrade_campaign_events', table => {
    table.comment('Append-only log of what happened to a campaign');
    table.bigIncrements('id').primary();
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('istio_upgrade_campaigns')
      .onDelete('CASCADE');
    table.string('at', 32).notNullable();
    table.string('type', 32).notNullable();
    table.text('message').notNullable();
    table.string('actor', 255).nullable();
    table
      .string('cluster', 63)
      .nullable()
      .comment('the cluster the event is about, if one');
    table.index(['campaign_id'], 'istio_upgrade_campaign_events_campaign_idx');
  });

  await knex.schema.createTable('istio_upgrade_campaign_namespaces', table => {
    // Knex does not escape quotes in comments: none here.
    table.comment(
      'What owners changed about the place of a namespace in a campaign: notice, deferral, opt-in',
    );
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('istio_upgrade_campaigns')
      .onDelete('CASCADE');
    table.string('cluster', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table
      .string('notified_at', 32)
      .nullable()
      .comment('when the owners were told of the wave (once)');
    table
      .string('deferred_until', 32)
      .nullable()
      .comment('the namespace waits until then (one deferral)');
    table.string('deferred_by', 255).nullable();
    table
      .string('opted_in_by', 255)
      .nullable()
      .comment('who moved it into the earliest wave not started');
    table.string('opted_in_at', 32).nullable();
    table.primary(['campaign_id', 'cluster', 'namespace']);
    table.index(
      ['cluster', 'namespace'],
      'istio_upgrade_campaign_namespaces_namespace_idx',
    );
  });

  await knex.schema.alterTable('istio_upgrade_requests', table => {
    table
      .string('campaign_id', 36)
      .nullable()
      .comment('the campaign that made the request, if one');
    table.index(['campaign_id'], 'istio_upgrade_requests_campaign_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('istio_upgrade_requests', table => {
    table.dropIndex(['campaign_id'], 'istio_upgrade_requests_campaign_idx');
    table.dropColumn('campaign_id');
  });
  await knex.schema.dropTable('istio_upgrade_campaign_namespaces');
  await knex.schema.dropTable('istio_upgrade_campaign_events');
  await knex.schema.dropTable('istio_upgrade_campaign_clusters');
  await knex.schema.dropTable('istio_upgrade_campaigns');
};
