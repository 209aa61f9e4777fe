"""Chat: each app's conversations with an AI model (app_<name>.conversations, .messages), per user.

One set of endpoints per app of dfworx.yaml (config.APPS, which `dfworx sync` keeps in step),
under /apps/<app>/conversations. Every query runs as the caller (Database.as_user): the policies
of the app's conversations migration let a user see their own conversations only, so another
user's conversation is a 404, for reading and for writing.
"""
