import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TaskTopic } from '../../ports';
import { unavailable } from './errors';

/** The tasks topic: agents subscribe with a filter policy on the `agent` attribute. */
export class SnsTaskTopic implements TaskTopic {
  constructor(private readonly sns: SNSClient, private readonly topicArn: string) {}

  async publish(agent: string, message: unknown): Promise<void> {
    try {
      await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: JSON.stringify(message),
          MessageAttributes: { agent: { DataType: 'String', StringValue: agent } },
        }),
      );
    } catch (err) {
      throw unavailable('The tasks topic', err);
    }
  }
}
