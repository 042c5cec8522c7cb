import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandHarness, registerAndLogin, startCommandService } from './testing/harness.ts';

describe('command-service smoke', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandService();
  });
  afterAll(async () => h.close());

  it('registers, logs in, creates a project and a task, patches it', async () => {
    const ada = await registerAndLogin(h.app, 'Ada');
    const project = await h.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: ada.auth,
      payload: { name: 'Apollo' },
    });
    expect(project.statusCode).toBe(201);
    const task = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: ada.auth,
      payload: { projectId: project.json().id, title: 'Land', assigneeId: ada.id },
    });
    expect(task.statusCode).toBe(201);
    expect(task.json().revision).toBe(2);
    const patch = await h.app.inject({
      method: 'PATCH',
      url: `/api/tasks/${task.json().id}`,
      headers: { ...ada.auth, 'if-match': task.headers.etag as string },
      payload: { status: 'in_progress', title: 'Land softly' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().revision).toBe(4);
  });
});
