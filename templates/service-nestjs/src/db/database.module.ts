import { Global, Module } from "@nestjs/common";
import { Database } from "./database.js";

/** The Database, for every module (CONFIG comes from AppModule.forRoot). */
@Global()
@Module({ providers: [Database], exports: [Database] })
export class DatabaseModule {}
