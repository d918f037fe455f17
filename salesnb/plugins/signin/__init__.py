"""Built-in sign-in provider plugins: single sign-on through WeCom, DingTalk and Feishu web OAuth, one module each.

Each module implements ``salesnb_signin_providers`` like a third-party plugin
would; :mod:`.base` says what a provider is.
"""
