from ninja import NinjaAPI

api = NinjaAPI(title="社区党建 API", version="1")
