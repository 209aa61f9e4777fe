"""App data slice: each app's `projects` (app_<name>.projects), per organization.

One pair of endpoints per app of dfworx.yaml (config.APPS, which `dfworx sync` keeps in step):
    GET  /organizations/{organization_id}/apps/<app>/projects   list<App>Projects
    POST /organizations/{organization_id}/apps/<app>/projects   create<App>Project
Every query runs as the caller (Database.as_user): the policies of the app's schema migration
decide. An organization the caller is not a member of is a 404, for reading and for writing: the
database hides it (reading) or refuses the row (writing, row level security's WITH CHECK).
"""
