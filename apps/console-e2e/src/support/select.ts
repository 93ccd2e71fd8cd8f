import type { Locator, Page } from 'playwright-core';

/**
 * Picks an option of the Mantine Select (or MultiSelect) labelled `label` inside `scope`, as a user
 * does: opens its list and clicks the option by its label (a string matches a part of the option's
 * text, a RegExp the whole of it). The list is found through the combobox's own `aria-controls`, so
 * another list open elsewhere on the page is never used. The value chosen is then in the form's
 * hidden input named after the field.
 */
export async function chooseOption(
  scope: Locator | Page,
  label: string,
  option: string | RegExp,
): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  const combobox = scope.getByRole('combobox', { name: label, exact: true });
  const list = async () => {
    const id = await combobox.getAttribute('aria-controls');
    return id ? page.locator(`[id="${id}"]`) : undefined;
  };
  let listbox = await list();
  if (!listbox || !(await listbox.isVisible())) {
    await combobox.click();
    await combobox.and(page.locator('[aria-expanded="true"]')).waitFor();
    listbox = await list();
  }
  if (!listbox) throw new Error(`The list of “${label}” did not open`);
  await listbox.getByRole('option', { name: option }).click();
}
