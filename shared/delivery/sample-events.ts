/**
 * The agent platform's documented events (the outbound design, seeds/004 "Event Types"), with
 * their `data` exactly as the design shows it: listed by `GET /api/event-types` and used as the
 * subscription preview's sample when no event is given.
 */
export const DESIGN_EVENTS: { type: string; description: string; data: unknown }[] = [
  {
    type: 'chat_message_received',
    description: 'Sent when MegaBot receives a message from any platform',
    data: {
      message_id: 'msg_789',
      platform: 'telegram',
      user_id: 'user_123',
      username: 'john_doe',
      content: 'Hello MegaBot!',
      attachments: [],
      metadata: {
        chat_id: 'chat_456',
        platform_specific: {
          message_thread_id: 'thread_789',
        },
      },
    },
  },
  {
    type: 'chat_message_sent',
    description: 'Sent when MegaBot sends a message',
    data: {
      message_id: 'msg_790',
      platform: 'telegram',
      recipient_id: 'user_123',
      content: 'Hello! How can I help you today?',
      message_type: 'text',
      metadata: {
        in_response_to: 'msg_789',
        model_used: 'claude-3-5-sonnet',
      },
    },
  },
  {
    type: 'tool_execution_started',
    description: 'Sent when a tool execution begins',
    data: {
      execution_id: 'exec_123',
      tool_name: 'run_tests',
      parameters: {
        test_suite: 'unit',
        verbose: true,
      },
      user_id: 'user_123',
      platform: 'web',
      estimated_duration: 30,
    },
  },
  {
    type: 'tool_execution_completed',
    description: 'Sent when a tool execution completes successfully',
    data: {
      execution_id: 'exec_123',
      tool_name: 'run_tests',
      status: 'success',
      result: {
        passed: 15,
        failed: 0,
        skipped: 2,
        duration: 28.5,
      },
      output: 'All tests passed successfully\nCoverage: 95%',
      metadata: {
        exit_code: 0,
        resource_usage: {
          cpu_percent: 45.2,
          memory_mb: 256,
        },
      },
    },
  },
  {
    type: 'tool_execution_failed',
    description: 'Sent when a tool execution fails',
    data: {
      execution_id: 'exec_124',
      tool_name: 'deploy_app',
      status: 'failed',
      error: {
        type: 'DeploymentError',
        message: 'Failed to connect to database',
        details: 'Connection timeout after 30 seconds',
      },
      partial_output: 'Starting deployment...\nConnecting to database...',
      metadata: {
        exit_code: 1,
        retry_count: 0,
      },
    },
  },
  {
    type: 'system_status_changed',
    description: "Sent when MegaBot's operational status changes",
    data: {
      old_status: 'healthy',
      new_status: 'degraded',
      reason: 'High memory usage detected',
      details: {
        memory_usage_percent: 85,
        cpu_usage_percent: 72,
        active_connections: 150,
      },
      severity: 'warning',
    },
  },
  {
    type: 'error_occurred',
    description: 'Sent when errors occur within MegaBot',
    data: {
      error_id: 'err_789',
      type: 'LLMProviderError',
      message: 'Anthropic API rate limit exceeded',
      severity: 'error',
      context: {
        user_id: 'user_123',
        operation: 'chat_response',
        provider: 'anthropic',
      },
      stack_trace: '...',
      metadata: {
        retry_eligible: true,
        fallback_available: true,
      },
    },
  },
  {
    type: 'memory_lesson_learned',
    description: 'Sent when MegaBot learns a new lesson',
    data: {
      lesson_id: 'lesson_456',
      type: 'security_pattern',
      title: 'Input validation prevents SQL injection',
      content: 'Always validate and sanitize user inputs before database operations',
      confidence: 0.95,
      source: 'tool_execution_failed',
      tags: ['security', 'database', 'validation'],
    },
  },
  {
    type: 'loki_execution_started',
    description: 'Sent when Loki Mode begins autonomous development',
    data: {
      execution_id: 'loki_789',
      prd_summary: 'Build a task management web application',
      estimated_tasks: 8,
      user_id: 'user_123',
      platform: 'web',
    },
  },
  {
    type: 'loki_execution_completed',
    description: 'Sent when Loki Mode completes',
    data: {
      execution_id: 'loki_789',
      status: 'success',
      duration_seconds: 300,
      tasks_completed: 8,
      deployment_url: 'https://my-app.vercel.app',
      summary: {
        code_lines: 1250,
        tests_passed: 45,
        security_issues: 0,
      },
    },
  },
];
