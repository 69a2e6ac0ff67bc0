import os

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

# The tutorial writes postgresql://...; SQLAlchemy 2.1 maps that to psycopg 3, so the
# baseline names psycopg2 explicitly to stay the app the tutorial describes.
SQLALCHEMY_DATABASE_URL = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)

# The tutorial keeps SQLAlchemy's default pool (5 + 10 overflow). Under 50 concurrent
# requests its 40 worker threads then compete for 15 connections, and back-to-back load
# runs have left it answering nothing but pool timeouts (fastapi/fastapi#3205). So the
# bench also runs it with BENCH_POOL_SIZE=40, one connection per thread, which kept
# serving. Unset, this is the tutorial's engine.
pool = {"pool_size": int(os.environ["BENCH_POOL_SIZE"]), "max_overflow": 0} if os.environ.get("BENCH_POOL_SIZE") else {}

engine = create_engine(SQLALCHEMY_DATABASE_URL, **pool)
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)

Base = declarative_base()
