import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Settings, SettingsSchema } from './settings-schema';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';

const SETTINGS_KEY = KEYS.settings.key({});

/** The one settings item; missing fields take their defaults, so older items keep parsing. */
export const settingsRepository = {
  async get(): Promise<Settings | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: SETTINGS_KEY, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { modified_by: _by, ...rest } = withoutKeys(out.Item);
    return parseItem(SettingsSchema, 'settings', rest);
  },

  /**
   * Stores the settings. With `onlyIf`, only over the version that was read (its `modified`, or
   * none stored yet when null); false when another change came first.
   */
  async put(settings: Settings, modifiedBy: string, onlyIf?: { modified: string | null }): Promise<boolean> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...SETTINGS_KEY, entity: KEYS.settings.entity, ...settings, modified_by: modifiedBy },
          ...(onlyIf === undefined
            ? {}
            : onlyIf.modified === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'modified = :read',
                  ExpressionAttributeValues: { ':read': onlyIf.modified },
                }),
        }),
      );
      return true;
    } catch (err) {
      if (onlyIf !== undefined && isConditionFailure(err)) return false;
      throw err;
    }
  },
};
