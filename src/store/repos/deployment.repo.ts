import type { Kysely } from 'kysely';
import type { Database, ModelDeploymentTable } from '../schema.ts';

/** The extra deployments of a model (provider, provider key, slug, weight), within one organisation. */
export function deploymentRepo(db: Kysely<Database>) {
  return {
    listOfModel(orgId: string, modelId: string): Promise<ModelDeploymentTable[]> {
      return db.selectFrom('model_deployments').selectAll().where('organisation_id', '=', orgId).where('model_id', '=', modelId)
        .orderBy('created_at').orderBy('id').execute();
    },
    /** Every deployment of the organisation: the routing table loads them with the models. */
    listOfOrg(orgId: string): Promise<ModelDeploymentTable[]> {
      return db.selectFrom('model_deployments').selectAll().where('organisation_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
    },
    find(orgId: string, id: string): Promise<ModelDeploymentTable | undefined> {
      return db.selectFrom('model_deployments').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async insert(row: ModelDeploymentTable): Promise<void> {
      await db.insertInto('model_deployments').values(row).execute();
    },
    async update(orgId: string, id: string, set: Partial<ModelDeploymentTable>): Promise<void> {
      await db.updateTable('model_deployments').set(set).where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
    async delete(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('model_deployments').where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
  };
}
export type DeploymentRepo = ReturnType<typeof deploymentRepo>;
