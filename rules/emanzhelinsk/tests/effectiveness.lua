-- The municipality's additions: adapted wording does not change values,
-- the effectiveness criteria are presence checks on documents.
test "effectiveness criteria and the region's indicators under the municipality" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school", municipality = "emanzhelinsk" } },
    staff = {
      { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
      { id = "h1", organization_id = "s1", position = "head", birth_year = 1968, career_start_year = 1990 },
    },
    activities = { { staff_id = "t1", kind = "platform_use", date = "2023-03-01" } },
    documents = {
      { id = "d1", kind = "plan", date = "2021-08-26", title = "Дорожная карта", link = "https://example.org/plan", municipality = "emanzhelinsk" },
    },
  },
  expect = {
    unified_goals = { value = 1, status = "met" },
    ordered_collection = { value = 1, status = "met" },
    open_documents = { value = 1, status = "met" },
    -- "К 2024 году-100%": in progress in 2023 (no activity in 2021, so no base for a path)
    schools_on_platform = { value = 100, status = "in_progress", progress = "none" },
    teachers_diagnosed = { value = 0, status = "not_met" },
  },
}
