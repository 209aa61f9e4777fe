"""AI providers behind one interface (base.Provider): echo (offline), OpenAI's Chat Completions and
Anthropic's Messages API over HTTP, chosen per conversation by name (factory.Providers)."""
