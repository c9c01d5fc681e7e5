import {
  CstParser,
  EOF,
  type ILookaheadStrategy,
  type IToken,
  type TokenType,
  tokenMatcher,
} from 'chevrotain'
import { SyntaxErrorMessages } from './error-messages.js'
import { LazyLookaheadStrategy, type LookaheadTable, RecordingLookaheadStrategy } from './lookahead.js'
import { LOOKAHEAD_TABLE } from './lookahead-table.js'
import {
  allTokens,
  ArithmeticOp,
  ASSIGN,
  ASTERISK,
  COMMA,
  ComparisonOp,
  DOT,
  EQ,
  IDENTIFIER,
  IdentifierLike,
  INTEGER_VALUE,
  K,
  Keyword,
  LAMBDA_EXPRESSION,
  LBRACKET,
  LogicalOp,
  LPAREN,
  LT,
  GT,
  MINUS,
  NumberValue,
  PLUS,
  RBRACKET,
  RPAREN,
  SEMICOLON,
  Sign,
  STRING,
  STRUCT_FIELD_REF,
  TimeUnitToken,
  VARIABLE,
} from './tokens.js'

/** Time units that are reserved words: as a function argument they can only be a unit. */
const RESERVED_TIME_UNITS: ReadonlySet<TokenType> = new Set([
  K.MILLISECOND,
  K.DAYS,
  K.HOURS,
  K.MINUTES,
  K.SECONDS,
  K.MILLISECONDS,
])

function isIdent(token: IToken): boolean {
  return tokenMatcher(token, IdentifierLike)
}

/**
 * ksqlDB's `SqlBase.g4` as a Chevrotain `CstParser`. Rule names follow the ANTLR grammar where the
 * shapes agree. Differences, all invisible in the accepted language:
 * - LL(k) needs a few GATEs where ANTLR's ALL(*) looks arbitrarily far: `MAP(k := v)` vs a
 *   function called MAP, `(x, y) => ...` lambdas vs parenthesised expressions, `GROUP BY (a, b)` vs
 *   `GROUP BY (a)`, `s.*` vs `s.col`, `struct->*`, and a non-reserved word that is a relation alias
 *   vs the clause keyword that follows (`FROM s EMIT CHANGES`).
 * - Binary operators are flat lists (`valueExpression: unary (op unary)*`, same for AND/OR); the
 *   CST→AST step applies ksqlDB's precedence, which keeps the CST shallow and the parser fast.
 * - Statements that share a prefix (CREATE ..., ASSERT ...) are factored by that prefix.
 */
export class EddyParser extends CstParser {
  readonly messages: SyntaxErrorMessages

  /**
   * By default Chevrotain's grammar checks (ambiguities, left recursion, ...) are skipped and each
   * decision's lookahead function is built when the parser first reaches it, from the table the
   * bundle embeds (lookahead-table.ts) or else computed then: ~250 ms less start-up for the same
   * parses and errors. `validate` runs the checks and computes every lookahead function up front,
   * as Chevrotain does by default (test/grammar/validation.test.ts); `lookahead` replaces the
   * strategy (the table's generator records the paths with it).
   */
  constructor(options: { readonly validate?: boolean; readonly lookahead?: ILookaheadStrategy } = {}) {
    const messages = new SyntaxErrorMessages()
    const validate = options.validate === true
    const lookahead =
      options.lookahead ??
      (validate ? undefined : new LazyLookaheadStrategy({ maxLookahead: 3 }, LOOKAHEAD_TABLE, allTokens))
    super(allTokens, {
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      errorMessageProvider: messages,
      skipValidations: !validate,
      ...(lookahead !== undefined ? { lookaheadStrategy: lookahead } : {}),
    })
    this.messages = messages
    this.performSelfAnalysis()
    messages.attach(this)
  }

  // -------------------------------------------------------------------------------------------
  // Entry points

  singleStatement = this.RULE('singleStatement', () => {
    this.SUBRULE(this.statement)
    this.CONSUME(SEMICOLON)
  })

  /** ksqlDB's `testStatement`: also the test-runner-only ASSERT forms and RUN SCRIPT. */
  testSingleStatement = this.RULE('testSingleStatement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.testAssertStatement) },
      { ALT: () => this.SUBRULE(this.runScript) },
      { ALT: () => this.SUBRULE(this.statement) },
    ])
    this.CONSUME(SEMICOLON)
  })

  singleExpression = this.RULE('singleExpression', () => {
    this.SUBRULE(this.expression)
  })

  statement = this.RULE('statement', () => {
    // The alternatives are built once and cached (Chevrotain's performance guide).
    if (this.statementAlts === undefined) {
      this.statementAlts = [
        { ALT: () => this.SUBRULE(this.query) },
        { ALT: () => this.SUBRULE(this.showStatement) },
        { ALT: () => this.SUBRULE(this.describeStatement) },
        { ALT: () => this.SUBRULE(this.printStatement) },
        { ALT: () => this.SUBRULE(this.terminateStatement) },
        { ALT: () => this.SUBRULE(this.pauseStatement) },
        { ALT: () => this.SUBRULE(this.resumeStatement) },
        { ALT: () => this.SUBRULE(this.setProperty) },
        { ALT: () => this.SUBRULE(this.unsetProperty) },
        { ALT: () => this.SUBRULE(this.alterStatement) },
        { ALT: () => this.SUBRULE(this.defineVariable) },
        { ALT: () => this.SUBRULE(this.undefineVariable) },
        { ALT: () => this.SUBRULE(this.createStatement) },
        { ALT: () => this.SUBRULE(this.insertStatement) },
        { ALT: () => this.SUBRULE(this.dropStatement) },
        { ALT: () => this.SUBRULE(this.explainStatement) },
        { ALT: () => this.SUBRULE(this.assertStatement) },
        { ALT: () => this.SUBRULE(this.reloadFunctions) },
      ]
    }
    this.OR(this.statementAlts)
  })

  private statementAlts: { ALT: () => void }[] | undefined

  // -------------------------------------------------------------------------------------------
  // Listing, introspection, lifecycle, session

  showStatement = this.RULE('showStatement', () => {
    this.OR1([{ ALT: () => this.CONSUME(K.LIST) }, { ALT: () => this.CONSUME(K.SHOW) }])
    this.OR2([
      { ALT: () => this.CONSUME(K.PROPERTIES) },
      {
        ALT: () => {
          this.OPTION1(() => this.CONSUME(K.ALL))
          this.CONSUME(K.TOPICS)
          this.OPTION2(() => this.CONSUME1(K.EXTENDED))
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.STREAMS)
          this.OPTION3(() => this.CONSUME2(K.EXTENDED))
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TABLES)
          this.OPTION4(() => this.CONSUME3(K.EXTENDED))
        },
      },
      { ALT: () => this.CONSUME(K.FUNCTIONS) },
      {
        ALT: () => {
          this.OPTION5(() =>
            this.OR3([{ ALT: () => this.CONSUME(K.SOURCE) }, { ALT: () => this.CONSUME(K.SINK) }]),
          )
          this.CONSUME(K.CONNECTORS)
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CONNECTOR)
          this.CONSUME(K.PLUGINS)
        },
      },
      { ALT: () => this.CONSUME(K.TYPES) },
      { ALT: () => this.CONSUME(K.VARIABLES) },
      {
        ALT: () => {
          this.CONSUME(K.QUERIES)
          this.OPTION6(() => this.CONSUME4(K.EXTENDED))
        },
      },
    ])
  })

  describeStatement = this.RULE('describeStatement', () => {
    this.CONSUME(K.DESCRIBE)
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(K.STREAMS)
            this.OPTION1(() => this.CONSUME1(K.EXTENDED))
          },
        },
        {
          GATE: () => this.LA(1).tokenType === K.FUNCTION && isIdent(this.LA(2)),
          ALT: () => {
            this.CONSUME(K.FUNCTION)
            this.SUBRULE1(this.identifier, { LABEL: 'functionName' })
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.CONNECTOR)
            this.SUBRULE2(this.identifier, { LABEL: 'connectorName' })
          },
        },
        {
          ALT: () => {
            this.SUBRULE3(this.identifier, { LABEL: 'sourceName' })
            this.OPTION2(() => this.CONSUME2(K.EXTENDED))
          },
        },
      ],
    })
  })

  printStatement = this.RULE('printStatement', () => {
    this.CONSUME(K.PRINT)
    this.SUBRULE(this.resourceName)
    this.OPTION1(() => {
      this.CONSUME(K.FROM)
      this.CONSUME(K.BEGINNING)
    })
    this.OPTION2(() => {
      this.OR([{ ALT: () => this.CONSUME(K.INTERVAL) }, { ALT: () => this.CONSUME(K.SAMPLE) }])
      this.SUBRULE1(this.number, { LABEL: 'interval' })
    })
    this.OPTION3(() => {
      this.CONSUME(K.LIMIT)
      this.SUBRULE2(this.number, { LABEL: 'limit' })
    })
  })

  resourceName = this.RULE('resourceName', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.identifier) }, { ALT: () => this.CONSUME(STRING) }])
  })

  terminateStatement = this.RULE('terminateStatement', () => {
    this.CONSUME(K.TERMINATE)
    this.SUBRULE(this.queryTarget)
  })

  pauseStatement = this.RULE('pauseStatement', () => {
    this.CONSUME(K.PAUSE)
    this.SUBRULE(this.queryTarget)
  })

  /** `RELOAD FUNCTIONS`: Eddy's extension (re-imports the user function modules). */
  reloadFunctions = this.RULE('reloadFunctions', () => {
    this.CONSUME(K.RELOAD)
    this.CONSUME(K.FUNCTIONS)
  })

  resumeStatement = this.RULE('resumeStatement', () => {
    this.CONSUME(K.RESUME)
    this.SUBRULE(this.queryTarget)
  })

  /** `queryId | ALL` of TERMINATE / PAUSE / RESUME. */
  queryTarget = this.RULE('queryTarget', () => {
    this.OR([{ ALT: () => this.CONSUME(K.ALL) }, { ALT: () => this.SUBRULE(this.identifier) }])
  })

  setProperty = this.RULE('setProperty', () => {
    this.CONSUME(K.SET)
    this.OR1([
      { ALT: () => this.CONSUME1(STRING, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME1(VARIABLE, { LABEL: 'name' }) },
    ])
    this.CONSUME(EQ)
    this.OR2([
      { ALT: () => this.CONSUME2(STRING, { LABEL: 'value' }) },
      { ALT: () => this.CONSUME2(VARIABLE, { LABEL: 'value' }) },
    ])
  })

  unsetProperty = this.RULE('unsetProperty', () => {
    this.CONSUME(K.UNSET)
    this.OR([
      { ALT: () => this.CONSUME(STRING, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(VARIABLE, { LABEL: 'name' }) },
    ])
  })

  alterStatement = this.RULE('alterStatement', () => {
    this.CONSUME(K.ALTER)
    this.OR1([
      {
        ALT: () => {
          this.CONSUME(K.SYSTEM)
          this.CONSUME1(STRING, { LABEL: 'name' })
          this.CONSUME(EQ)
          this.CONSUME2(STRING, { LABEL: 'value' })
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(K.STREAM) }, { ALT: () => this.CONSUME(K.TABLE) }])
          this.SUBRULE(this.identifier)
          this.SUBRULE1(this.alterOption)
          this.MANY(() => {
            this.CONSUME(COMMA)
            this.SUBRULE2(this.alterOption)
          })
        },
      },
    ])
  })

  alterOption = this.RULE('alterOption', () => {
    this.CONSUME(K.ADD)
    // `ADD COLUMN x INT` vs a column named COLUMN: `ADD COLUMN INT`.
    this.OPTION({
      GATE: () =>
        this.LA(1).tokenType === K.COLUMN &&
        isIdent(this.LA(2)) &&
        (isIdent(this.LA(3)) || this.LA(3).tokenType === K.DECIMAL),
      DEF: () => this.CONSUME(K.COLUMN),
    })
    this.SUBRULE(this.identifier)
    this.SUBRULE(this.sqlType)
  })

  defineVariable = this.RULE('defineVariable', () => {
    this.CONSUME(K.DEFINE)
    this.SUBRULE(this.variableName)
    this.CONSUME(EQ)
    this.CONSUME(STRING)
  })

  undefineVariable = this.RULE('undefineVariable', () => {
    this.CONSUME(K.UNDEFINE)
    this.SUBRULE(this.variableName)
  })

  /** ksqlDB's `variableName: IDENTIFIER`; its error listener also lets keywords through. */
  variableName = this.RULE('variableName', () => {
    this.OR([{ ALT: () => this.CONSUME(IDENTIFIER) }, { ALT: () => this.CONSUME(Keyword) }])
  })

  // -------------------------------------------------------------------------------------------
  // DDL / DML

  createStatement = this.RULE('createStatement', () => {
    this.CONSUME(K.CREATE)
    this.OR([
      { ALT: () => this.SUBRULE(this.createSource) },
      { ALT: () => this.SUBRULE(this.createConnector) },
      { ALT: () => this.SUBRULE(this.createType) },
    ])
  })

  /**
   * CREATE STREAM/TABLE and CSAS/CTAS share one rule (their difference, `AS query`, comes after an
   * unbounded prefix); to-ast rejects the combinations ksqlDB's grammar does not have.
   */
  createSource = this.RULE('createSource', () => {
    this.OPTION1(() => {
      this.CONSUME(K.OR)
      this.CONSUME(K.REPLACE)
    })
    this.OPTION2(() => this.CONSUME(K.SOURCE))
    this.OR([{ ALT: () => this.CONSUME(K.STREAM) }, { ALT: () => this.CONSUME(K.TABLE) }])
    this.SUBRULE(this.ifNotExists)
    this.SUBRULE(this.identifier)
    this.OPTION4(() => this.SUBRULE(this.tableElements))
    this.OPTION5(() => {
      this.CONSUME(K.WITH)
      this.SUBRULE(this.tableProperties)
    })
    this.OPTION6(() => {
      this.CONSUME(K.AS)
      this.SUBRULE(this.query)
    })
  })

  createConnector = this.RULE('createConnector', () => {
    this.OR([{ ALT: () => this.CONSUME(K.SINK) }, { ALT: () => this.CONSUME(K.SOURCE) }])
    this.CONSUME(K.CONNECTOR)
    this.SUBRULE(this.ifNotExists)
    this.SUBRULE(this.identifier)
    this.CONSUME(K.WITH)
    this.SUBRULE(this.tableProperties)
  })

  createType = this.RULE('createType', () => {
    this.CONSUME(K.TYPE)
    this.SUBRULE(this.ifNotExists)
    this.SUBRULE(this.identifier)
    this.CONSUME(K.AS)
    this.SUBRULE(this.sqlType)
  })

  /** `[IF NOT EXISTS]` (may match nothing). */
  ifNotExists = this.RULE('ifNotExists', () => {
    // A separate rule sees no follow: without the gate, `CREATE STREAM IF (...)` would read IF as the keyword.
    this.OPTION({
      GATE: () => this.LA(2).tokenType === K.NOT,
      DEF: () => {
        this.CONSUME(K.IF)
        this.CONSUME(K.NOT)
        this.CONSUME(K.EXISTS)
      },
    })
  })

  /** `[IF EXISTS]` (may match nothing). */
  ifExists = this.RULE('ifExists', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === K.EXISTS,
      DEF: () => {
        this.CONSUME(K.IF)
        this.CONSUME(K.EXISTS)
      },
    })
  })

  insertStatement = this.RULE('insertStatement', () => {
    this.CONSUME(K.INSERT)
    this.CONSUME(K.INTO)
    this.SUBRULE(this.identifier)
    this.OR([
      {
        ALT: () => {
          this.OPTION1(() => {
            this.CONSUME(K.WITH)
            this.SUBRULE(this.tableProperties)
          })
          this.SUBRULE(this.query)
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.SUBRULE(this.columns))
          this.CONSUME(K.VALUES)
          this.SUBRULE(this.values)
        },
      },
    ])
  })

  dropStatement = this.RULE('dropStatement', () => {
    this.CONSUME(K.DROP)
    this.OR1([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(K.STREAM) }, { ALT: () => this.CONSUME(K.TABLE) }])
          this.SUBRULE1(this.ifExists)
          this.SUBRULE1(this.identifier)
          this.OPTION(() => {
            this.CONSUME(K.DELETE)
            this.CONSUME(K.TOPIC)
          })
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CONNECTOR)
          this.SUBRULE2(this.ifExists)
          this.SUBRULE2(this.identifier)
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TYPE)
          this.SUBRULE3(this.ifExists)
          this.SUBRULE3(this.identifier)
        },
      },
    ])
  })

  explainStatement = this.RULE('explainStatement', () => {
    this.CONSUME(K.EXPLAIN)
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => {
            const next = this.LA(2).tokenType
            return isIdent(this.LA(1)) && (next === SEMICOLON || next === EOF)
          },
          ALT: () => this.SUBRULE(this.identifier),
        },
        { ALT: () => this.SUBRULE(this.statement) },
      ],
    })
  })

  assertStatement = this.RULE('assertStatement', () => {
    this.CONSUME(K.ASSERT)
    this.OPTION1(() => {
      this.CONSUME(K.NOT)
      this.CONSUME(K.EXISTS)
    })
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TOPIC)
          this.SUBRULE1(this.resourceName, { LABEL: 'topic' })
          this.OPTION2(() => {
            this.CONSUME(K.WITH)
            this.SUBRULE(this.tableProperties)
          })
          this.OPTION3(() => this.SUBRULE1(this.timeout))
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.SCHEMA)
          this.OPTION4(() => {
            this.CONSUME(K.SUBJECT)
            this.SUBRULE2(this.resourceName, { LABEL: 'subject' })
          })
          this.OPTION5(() => {
            this.CONSUME(K.ID)
            this.SUBRULE(this.literal)
          })
          this.OPTION6(() => this.SUBRULE2(this.timeout))
        },
      },
    ])
  })

  timeout = this.RULE('timeout', () => {
    this.CONSUME(K.TIMEOUT)
    this.SUBRULE(this.duration)
  })

  testAssertStatement = this.RULE('testAssertStatement', () => {
    this.CONSUME(K.ASSERT)
    this.OR([
      {
        ALT: () => {
          this.CONSUME1(K.VALUES)
          this.SUBRULE1(this.identifier)
          this.OPTION1(() => this.SUBRULE1(this.columns))
          this.CONSUME2(K.VALUES)
          this.SUBRULE1(this.values)
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.NULL)
          this.CONSUME3(K.VALUES)
          this.SUBRULE2(this.identifier)
          this.OPTION2(() => this.SUBRULE2(this.columns))
          this.CONSUME(K.KEY)
          this.SUBRULE2(this.values)
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(K.STREAM) }, { ALT: () => this.CONSUME(K.TABLE) }])
          this.SUBRULE3(this.identifier)
          this.OPTION3(() => this.SUBRULE(this.tableElements))
          this.OPTION4(() => {
            this.CONSUME(K.WITH)
            this.SUBRULE(this.tableProperties)
          })
        },
      },
    ])
  })

  runScript = this.RULE('runScript', () => {
    this.CONSUME(K.RUN)
    this.CONSUME(K.SCRIPT)
    this.CONSUME(STRING)
  })

  // -------------------------------------------------------------------------------------------
  // Queries

  query = this.RULE('query', () => {
    this.CONSUME(K.SELECT)
    this.SUBRULE1(this.selectItem)
    this.MANY1(() => {
      this.CONSUME1(COMMA)
      this.SUBRULE2(this.selectItem)
    })
    this.CONSUME(K.FROM)
    this.SUBRULE(this.relation)
    this.OPTION1(() => {
      this.CONSUME(K.WINDOW)
      this.SUBRULE(this.windowExpression)
    })
    this.OPTION2(() => {
      this.CONSUME(K.WHERE)
      this.SUBRULE1(this.expression, { LABEL: 'where' })
    })
    this.OPTION3(() => {
      this.CONSUME(K.GROUP)
      this.CONSUME1(K.BY)
      this.SUBRULE1(this.groupingExpressions, { LABEL: 'groupBy' })
    })
    this.OPTION4(() => {
      this.CONSUME(K.PARTITION)
      this.CONSUME2(K.BY)
      this.SUBRULE2(this.groupingExpressions, { LABEL: 'partitionBy' })
    })
    this.OPTION5(() => {
      this.CONSUME(K.HAVING)
      this.SUBRULE2(this.expression, { LABEL: 'having' })
    })
    this.OPTION6(() => {
      this.CONSUME(K.EMIT)
      this.OR([{ ALT: () => this.CONSUME(K.CHANGES) }, { ALT: () => this.CONSUME(K.FINAL) }])
    })
    this.OPTION7(() => {
      this.CONSUME(K.ORDER)
      this.CONSUME3(K.BY)
      this.SUBRULE1(this.orderItem)
      this.MANY2(() => {
        this.CONSUME2(COMMA)
        this.SUBRULE2(this.orderItem)
      })
    })
    this.OPTION8(() => {
      this.CONSUME(K.LIMIT)
      this.SUBRULE(this.number, { LABEL: 'limit' })
    })
  })

  selectItem = this.RULE('selectItem', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.CONSUME1(ASTERISK) },
        {
          GATE: () =>
            isIdent(this.LA(1)) && this.LA(2).tokenType === DOT && this.LA(3).tokenType === ASTERISK,
          ALT: () => {
            this.SUBRULE1(this.identifier, { LABEL: 'source' })
            this.CONSUME(DOT)
            this.CONSUME2(ASTERISK)
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.expression)
            this.OPTION1(() =>
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME(STRUCT_FIELD_REF)
                    this.CONSUME3(ASTERISK)
                  },
                },
                {
                  ALT: () => {
                    this.OPTION2(() => this.CONSUME(K.AS))
                    this.SUBRULE2(this.identifier, { LABEL: 'alias' })
                  },
                },
              ]),
            )
          },
        },
      ],
    })
  })

  orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.valueExpression)
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(K.ASC) }, { ALT: () => this.CONSUME(K.DESC) }]))
  })

  relation = this.RULE('relation', () => {
    this.SUBRULE(this.aliasedRelation)
    this.MANY(() => this.SUBRULE(this.joinedSource))
  })

  joinedSource = this.RULE('joinedSource', () => {
    this.OPTION1(() =>
      this.OR([
        { ALT: () => this.CONSUME(K.INNER) },
        {
          ALT: () => {
            this.CONSUME(K.FULL)
            this.OPTION2(() => this.CONSUME1(K.OUTER))
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.LEFT)
            this.OPTION3(() => this.CONSUME2(K.OUTER))
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.RIGHT)
            this.OPTION4(() => this.CONSUME3(K.OUTER))
          },
        },
      ]),
    )
    this.CONSUME(K.JOIN)
    this.SUBRULE(this.aliasedRelation)
    this.OPTION5(() => {
      this.CONSUME(K.WITHIN)
      this.SUBRULE(this.withinExpression)
    })
    this.CONSUME(K.ON)
    this.SUBRULE(this.expression)
  })

  withinExpression = this.RULE('withinExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LPAREN)
          this.SUBRULE1(this.duration, { LABEL: 'before' })
          this.CONSUME(COMMA)
          this.SUBRULE2(this.duration, { LABEL: 'after' })
          this.CONSUME(RPAREN)
        },
      },
      { ALT: () => this.SUBRULE3(this.duration, { LABEL: 'size' }) },
    ])
    this.OPTION(() => this.SUBRULE(this.gracePeriodClause))
  })

  aliasedRelation = this.RULE('aliasedRelation', () => {
    this.SUBRULE1(this.identifier, { LABEL: 'name' })
    this.OPTION1({
      GATE: () => this.aliasAllowed(),
      DEF: () => {
        this.OPTION2(() => this.CONSUME(K.AS))
        this.SUBRULE2(this.identifier, { LABEL: 'alias' })
      },
    })
  })

  /**
   * A non-reserved word after a relation is its alias unless it starts the clause that follows
   * (ANTLR sees the whole statement; LL(k) needs telling).
   */
  private aliasAllowed(): boolean {
    const first = this.LA(1)
    if (first.tokenType === K.AS) return true
    if (!isIdent(first)) return false
    const second = this.LA(2).tokenType
    if (first.tokenType === K.EMIT) return second !== K.CHANGES && second !== K.FINAL
    if (first.tokenType === K.PARTITION || first.tokenType === K.ORDER) return second !== K.BY
    return true
  }

  windowExpression = this.RULE('windowExpression', () => {
    this.OPTION(() => this.CONSUME(IDENTIFIER, { LABEL: 'windowName' }))
    this.OR([
      { ALT: () => this.SUBRULE(this.tumblingWindow) },
      { ALT: () => this.SUBRULE(this.hoppingWindow) },
      { ALT: () => this.SUBRULE(this.sessionWindow) },
    ])
  })

  tumblingWindow = this.RULE('tumblingWindow', () => {
    this.CONSUME(K.TUMBLING)
    this.CONSUME(LPAREN)
    this.CONSUME(K.SIZE)
    this.SUBRULE(this.duration)
    this.SUBRULE(this.windowOptions)
    this.CONSUME(RPAREN)
  })

  hoppingWindow = this.RULE('hoppingWindow', () => {
    this.CONSUME(K.HOPPING)
    this.CONSUME(LPAREN)
    this.CONSUME(K.SIZE)
    this.SUBRULE1(this.duration, { LABEL: 'size' })
    this.CONSUME(COMMA)
    this.CONSUME(K.ADVANCE)
    this.CONSUME(K.BY)
    this.SUBRULE2(this.duration, { LABEL: 'advance' })
    this.SUBRULE(this.windowOptions)
    this.CONSUME(RPAREN)
  })

  sessionWindow = this.RULE('sessionWindow', () => {
    this.CONSUME(K.SESSION)
    this.CONSUME(LPAREN)
    this.SUBRULE(this.duration)
    this.SUBRULE(this.windowOptions)
    this.CONSUME(RPAREN)
  })

  /** `[, RETENTION n unit] [, GRACE PERIOD n unit]` (may match nothing). */
  windowOptions = this.RULE('windowOptions', () => {
    this.OPTION1(() => {
      this.CONSUME1(COMMA)
      this.SUBRULE(this.retentionClause)
    })
    this.OPTION2(() => {
      this.CONSUME2(COMMA)
      this.SUBRULE(this.gracePeriodClause)
    })
  })

  retentionClause = this.RULE('retentionClause', () => {
    this.CONSUME(K.RETENTION)
    this.SUBRULE(this.duration)
  })

  gracePeriodClause = this.RULE('gracePeriodClause', () => {
    this.CONSUME(K.GRACE)
    this.CONSUME(K.PERIOD)
    this.SUBRULE(this.duration)
  })

  /** `number windowUnit` (ksqlDB's joinWindowSize, and the body of SIZE / RETENTION / ...). */
  duration = this.RULE('duration', () => {
    this.SUBRULE(this.number)
    this.CONSUME(TimeUnitToken)
  })

  /** GROUP BY / PARTITION BY: `e1, e2, ...` or `(e1, e2, ...)` (also `()`). */
  groupingExpressions = this.RULE('groupingExpressions', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.isParenthesisedList(),
          ALT: () => {
            this.CONSUME(LPAREN)
            this.OPTION(() => {
              this.SUBRULE1(this.valueExpression)
              this.MANY1(() => {
                this.CONSUME1(COMMA)
                this.SUBRULE2(this.valueExpression)
              })
            })
            this.CONSUME(RPAREN)
          },
        },
        {
          ALT: () => {
            this.SUBRULE3(this.valueExpression)
            this.MANY2(() => {
              this.CONSUME2(COMMA)
              this.SUBRULE4(this.valueExpression)
            })
          },
        },
      ],
    })
  })

  /** `(` then `)` or a comma at the top level of the parentheses: a list, not a parenthesised expression. */
  private isParenthesisedList(): boolean {
    if (this.LA(1).tokenType !== LPAREN) return false
    if (this.LA(2).tokenType === RPAREN) return true
    return this.scanTopLevel(2) === COMMA
  }

  /**
   * Scans from LA(start) at bracket depth 0 and returns the first of `,` `:=` `)` `]` met at that
   * depth (or EOF / `;`), for decisions that need to see past a nested expression.
   */
  private scanTopLevel(start: number): TokenType {
    let depth = 0
    for (let i = start; ; i++) {
      const type = this.LA(i).tokenType
      if (type === EOF || type === SEMICOLON) return type
      if (type === LPAREN || type === LBRACKET) depth++
      else if (type === RPAREN || type === RBRACKET) {
        if (depth === 0) return type
        depth--
      } else if (depth === 0 && (type === COMMA || type === ASSIGN)) return type
    }
  }

  columns = this.RULE('columns', () => {
    this.CONSUME(LPAREN)
    this.SUBRULE1(this.identifier)
    this.MANY(() => {
      this.CONSUME(COMMA)
      this.SUBRULE2(this.identifier)
    })
    this.CONSUME(RPAREN)
  })

  values = this.RULE('values', () => {
    this.CONSUME(LPAREN)
    this.OPTION(() => {
      this.SUBRULE1(this.valueExpression)
      this.MANY(() => {
        this.CONSUME(COMMA)
        this.SUBRULE2(this.valueExpression)
      })
    })
    this.CONSUME(RPAREN)
  })

  tableElements = this.RULE('tableElements', () => {
    this.CONSUME(LPAREN)
    this.SUBRULE1(this.tableElement)
    this.MANY(() => {
      this.CONSUME(COMMA)
      this.SUBRULE2(this.tableElement)
    })
    this.CONSUME(RPAREN)
  })

  tableElement = this.RULE('tableElement', () => {
    this.SUBRULE(this.identifier)
    this.SUBRULE(this.sqlType)
    this.OPTION1(() => this.SUBRULE(this.columnConstraints))
  })

  columnConstraints = this.RULE('columnConstraints', () => {
    this.OR([
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(K.PRIMARY))
          this.CONSUME(K.KEY)
        },
      },
      { ALT: () => this.CONSUME(K.HEADERS) },
      {
        ALT: () => {
          this.CONSUME(K.HEADER)
          this.CONSUME(LPAREN)
          this.CONSUME(STRING)
          this.CONSUME(RPAREN)
        },
      },
    ])
  })

  tableProperties = this.RULE('tableProperties', () => {
    this.CONSUME(LPAREN)
    this.SUBRULE1(this.tableProperty)
    this.MANY(() => {
      this.CONSUME(COMMA)
      this.SUBRULE2(this.tableProperty)
    })
    this.CONSUME(RPAREN)
  })

  tableProperty = this.RULE('tableProperty', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.identifier) }, { ALT: () => this.CONSUME(STRING) }])
    this.CONSUME(EQ)
    this.SUBRULE(this.literal)
  })

  // -------------------------------------------------------------------------------------------
  // Expressions

  /** booleanExpression: terms joined by AND / OR (precedence applied in to-ast). */
  expression = this.RULE('expression', () => {
    this.SUBRULE1(this.booleanTerm)
    this.MANY(() => {
      this.CONSUME(LogicalOp)
      this.SUBRULE2(this.booleanTerm)
    })
  })

  /** `NOT booleanTerm | predicated`: NOT binds tighter than AND / OR. */
  booleanTerm = this.RULE('booleanTerm', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.NOT)
          this.SUBRULE(this.booleanTerm)
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
    ])
  })

  predicated = this.RULE('predicated', () => {
    this.SUBRULE(this.valueExpression)
    this.OPTION(() => this.SUBRULE(this.predicate))
  })

  predicate = this.RULE('predicate', () => {
    this.OR1([
      {
        ALT: () => {
          this.CONSUME(ComparisonOp)
          this.SUBRULE1(this.valueExpression, { LABEL: 'right' })
        },
      },
      {
        ALT: () => {
          this.OPTION1(() => this.CONSUME1(K.NOT))
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(K.BETWEEN)
                this.SUBRULE2(this.valueExpression, { LABEL: 'lower' })
                this.CONSUME(K.AND)
                this.SUBRULE3(this.valueExpression, { LABEL: 'upper' })
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.IN)
                this.CONSUME(LPAREN)
                this.SUBRULE1(this.expression)
                this.MANY(() => {
                  this.CONSUME(COMMA)
                  this.SUBRULE2(this.expression)
                })
                this.CONSUME(RPAREN)
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.LIKE)
                this.SUBRULE4(this.valueExpression, { LABEL: 'pattern' })
                this.OPTION2(() => {
                  this.CONSUME(K.ESCAPE)
                  this.CONSUME(STRING)
                })
              },
            },
          ])
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.IS)
          this.OPTION3(() => this.CONSUME2(K.NOT))
          this.OR3([
            { ALT: () => this.CONSUME(K.NULL) },
            {
              ALT: () => {
                this.CONSUME(K.DISTINCT)
                this.CONSUME(K.FROM)
                this.SUBRULE5(this.valueExpression, { LABEL: 'right' })
              },
            },
          ])
        },
      },
    ])
  })

  /** valueExpression: unary terms joined by `|| + - * / %` (precedence applied in to-ast). */
  valueExpression = this.RULE('valueExpression', () => {
    this.SUBRULE1(this.unaryExpression)
    this.MANY(() => {
      this.CONSUME(ArithmeticOp)
      this.SUBRULE2(this.unaryExpression)
    })
  })

  unaryExpression = this.RULE('unaryExpression', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `-` right before a number belongs to the literal (ksqlDB's `number: MINUS? ...`).
          GATE: () => {
            const type = this.LA(1).tokenType
            return type === PLUS || (type === MINUS && !tokenMatcher(this.LA(2), NumberValue))
          },
          ALT: () => {
            this.CONSUME(Sign)
            this.SUBRULE(this.unaryExpression)
          },
        },
        { ALT: () => this.SUBRULE(this.atTimeZoneExpression) },
      ],
    })
  })

  atTimeZoneExpression = this.RULE('atTimeZoneExpression', () => {
    this.SUBRULE(this.primaryExpression)
    this.MANY(() => {
      this.CONSUME(K.AT)
      this.CONSUME(K.TIME)
      this.CONSUME(K.ZONE)
      this.CONSUME(STRING)
    })
  })

  primaryExpression = this.RULE('primaryExpression', () => {
    this.SUBRULE(this.primaryBase)
    this.MANY({
      // `struct->*` is left to selectItem.
      GATE: () => {
        const type = this.LA(1).tokenType
        return type === LBRACKET || (type === STRUCT_FIELD_REF && this.LA(2).tokenType !== ASTERISK)
      },
      DEF: () => this.SUBRULE(this.postfix),
    })
  })

  /** Subscript `[index]` or dereference `->field`. */
  postfix = this.RULE('postfix', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LBRACKET)
          this.SUBRULE(this.valueExpression)
          this.CONSUME(RBRACKET)
        },
      },
      {
        ALT: () => {
          this.CONSUME(STRUCT_FIELD_REF)
          this.SUBRULE(this.identifier)
        },
      },
    ])
  })

  primaryBase = this.RULE('primaryBase', () => {
    if (this.primaryAlts === undefined) {
      this.primaryAlts = [
        {
          GATE: () => {
            if (this.LA(1).tokenType !== VARIABLE) return true
            const next = this.LA(2).tokenType
            return next !== LPAREN && next !== DOT && next !== STRING
          },
          ALT: () => this.SUBRULE(this.literal),
        },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        { ALT: () => this.SUBRULE(this.castExpression) },
        {
          GATE: () => this.LA(1).tokenType === K.ARRAY && this.LA(2).tokenType === LBRACKET,
          ALT: () => this.SUBRULE(this.arrayConstructor),
        },
        {
          GATE: () =>
            this.LA(1).tokenType === K.MAP &&
            this.LA(2).tokenType === LPAREN &&
            (this.LA(3).tokenType === RPAREN || this.scanTopLevel(3) === ASSIGN),
          ALT: () => this.SUBRULE(this.mapConstructor),
        },
        {
          GATE: () =>
            this.LA(1).tokenType === K.STRUCT &&
            this.LA(2).tokenType === LPAREN &&
            (this.LA(3).tokenType === RPAREN || this.LA(4).tokenType === ASSIGN),
          ALT: () => this.SUBRULE(this.structConstructor),
        },
        { ALT: () => this.SUBRULE(this.identifierExpression) },
        {
          ALT: () => {
            this.CONSUME(LPAREN)
            this.SUBRULE(this.expression)
            this.CONSUME(RPAREN)
          },
        },
      ]
    }
    this.OR(this.primaryAlts)
  })

  private primaryAlts: { GATE?: () => boolean; ALT: () => void }[] | undefined

  /** An identifier, then: `(*)`, `(args)`, `.column`, `'text'` (type constructor), or nothing. */
  identifierExpression = this.RULE('identifierExpression', () => {
    this.SUBRULE1(this.identifier)
    this.OPTION1(() =>
      this.OR([
        {
          GATE: () => this.LA(2).tokenType === ASTERISK,
          ALT: () => {
            this.CONSUME1(LPAREN)
            this.CONSUME(ASTERISK)
            this.CONSUME1(RPAREN)
          },
        },
        {
          ALT: () => {
            this.CONSUME2(LPAREN)
            this.OPTION2(() => this.SUBRULE(this.functionArguments))
            this.CONSUME2(RPAREN)
          },
        },
        {
          ALT: () => {
            this.CONSUME(DOT)
            this.SUBRULE2(this.identifier, { LABEL: 'column' })
          },
        },
        { ALT: () => this.CONSUME(STRING) },
      ]),
    )
  })

  /** `arg, ..., arg [, lambda, ...]`: lambdas only after the plain arguments. */
  functionArguments = this.RULE('functionArguments', () => {
    this.SUBRULE1(this.functionArgument)
    this.MANY1({
      GATE: () => this.LA(1).tokenType === COMMA && !this.isLambdaAt(2),
      DEF: () => {
        this.CONSUME1(COMMA)
        this.SUBRULE2(this.functionArgument)
      },
    })
    this.MANY2(() => {
      this.CONSUME2(COMMA)
      this.SUBRULE(this.lambdaExpression)
    })
  })

  /** `x =>` or `(x, y, ...) =>` at LA(i). */
  private isLambdaAt(i: number): boolean {
    const first = this.LA(i)
    if (isIdent(first)) return this.LA(i + 1).tokenType === LAMBDA_EXPRESSION
    if (first.tokenType !== LPAREN) return false
    let j = i + 1
    for (;;) {
      if (!isIdent(this.LA(j))) return false
      const next = this.LA(j + 1).tokenType
      if (next === RPAREN) return this.LA(j + 2).tokenType === LAMBDA_EXPRESSION
      if (next !== COMMA) return false
      j += 2
    }
  }

  functionArgument = this.RULE('functionArgument', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        // A singular unit (DAY, SECOND, ...) is a non-reserved word and so, as in ksqlDB, a column.
        {
          GATE: () => RESERVED_TIME_UNITS.has(this.LA(1).tokenType),
          ALT: () => this.CONSUME(TimeUnitToken),
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    })
  })

  lambdaExpression = this.RULE('lambdaExpression', () => {
    this.OR([
      { ALT: () => this.SUBRULE1(this.identifier) },
      {
        ALT: () => {
          this.CONSUME(LPAREN)
          this.SUBRULE2(this.identifier)
          this.MANY(() => {
            this.CONSUME(COMMA)
            this.SUBRULE3(this.identifier)
          })
          this.CONSUME(RPAREN)
        },
      },
    ])
    this.CONSUME(LAMBDA_EXPRESSION)
    this.SUBRULE(this.expression)
  })

  caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(K.CASE)
    this.OPTION1(() => this.SUBRULE(this.valueExpression, { LABEL: 'operand' }))
    this.AT_LEAST_ONE(() => this.SUBRULE(this.whenClause))
    this.OPTION2(() => {
      this.CONSUME(K.ELSE)
      this.SUBRULE(this.expression, { LABEL: 'else' })
    })
    this.CONSUME(K.END)
  })

  whenClause = this.RULE('whenClause', () => {
    this.CONSUME(K.WHEN)
    this.SUBRULE1(this.expression, { LABEL: 'condition' })
    this.CONSUME(K.THEN)
    this.SUBRULE2(this.expression, { LABEL: 'result' })
  })

  castExpression = this.RULE('castExpression', () => {
    this.CONSUME(K.CAST)
    this.CONSUME(LPAREN)
    this.SUBRULE(this.expression)
    this.CONSUME(K.AS)
    this.SUBRULE(this.sqlType)
    this.CONSUME(RPAREN)
  })

  arrayConstructor = this.RULE('arrayConstructor', () => {
    this.CONSUME(K.ARRAY)
    this.CONSUME(LBRACKET)
    this.OPTION(() => {
      this.SUBRULE1(this.expression)
      this.MANY(() => {
        this.CONSUME(COMMA)
        this.SUBRULE2(this.expression)
      })
    })
    this.CONSUME(RBRACKET)
  })

  mapConstructor = this.RULE('mapConstructor', () => {
    this.CONSUME(K.MAP)
    this.CONSUME(LPAREN)
    this.OPTION(() => {
      this.SUBRULE1(this.mapEntry)
      this.MANY(() => {
        this.CONSUME(COMMA)
        this.SUBRULE2(this.mapEntry)
      })
    })
    this.CONSUME(RPAREN)
  })

  mapEntry = this.RULE('mapEntry', () => {
    this.SUBRULE1(this.expression, { LABEL: 'key' })
    this.CONSUME(ASSIGN)
    this.SUBRULE2(this.expression, { LABEL: 'value' })
  })

  structConstructor = this.RULE('structConstructor', () => {
    this.CONSUME(K.STRUCT)
    this.CONSUME(LPAREN)
    this.OPTION(() => {
      this.SUBRULE1(this.structField)
      this.MANY(() => {
        this.CONSUME(COMMA)
        this.SUBRULE2(this.structField)
      })
    })
    this.CONSUME(RPAREN)
  })

  structField = this.RULE('structField', () => {
    this.SUBRULE(this.identifier)
    this.CONSUME(ASSIGN)
    this.SUBRULE(this.expression)
  })

  literal = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(K.NULL) },
      { ALT: () => this.CONSUME(K.TRUE) },
      { ALT: () => this.CONSUME(K.FALSE) },
      { ALT: () => this.CONSUME(STRING) },
      { ALT: () => this.CONSUME(VARIABLE) },
      { ALT: () => this.SUBRULE(this.number) },
    ])
  })

  number = this.RULE('number', () => {
    this.OPTION(() => this.CONSUME(MINUS))
    this.CONSUME(NumberValue)
  })

  identifier = this.RULE('identifier', () => {
    this.CONSUME(IdentifierLike)
  })

  // -------------------------------------------------------------------------------------------
  // Types

  sqlType = this.RULE('sqlType', () => {
    this.SUBRULE(this.baseSqlType)
    this.MANY(() => this.CONSUME(K.ARRAY))
  })

  baseSqlType = this.RULE('baseSqlType', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).tokenType === K.ARRAY && this.LA(2).tokenType === LT,
          ALT: () => {
            this.CONSUME(K.ARRAY)
            this.CONSUME1(LT)
            this.SUBRULE1(this.sqlType)
            this.CONSUME1(GT)
          },
        },
        {
          GATE: () => this.LA(1).tokenType === K.MAP && this.LA(2).tokenType === LT,
          ALT: () => {
            this.CONSUME(K.MAP)
            this.CONSUME2(LT)
            this.SUBRULE2(this.sqlType, { LABEL: 'key' })
            this.CONSUME1(COMMA)
            this.SUBRULE3(this.sqlType, { LABEL: 'value' })
            this.CONSUME2(GT)
          },
        },
        {
          GATE: () => this.LA(1).tokenType === K.STRUCT && this.LA(2).tokenType === LT,
          ALT: () => {
            this.CONSUME(K.STRUCT)
            this.CONSUME3(LT)
            this.OPTION1(() => {
              this.SUBRULE1(this.structTypeField)
              this.MANY(() => {
                this.CONSUME2(COMMA)
                this.SUBRULE2(this.structTypeField)
              })
            })
            this.CONSUME3(GT)
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.DECIMAL)
            this.CONSUME1(LPAREN)
            this.SUBRULE1(this.number, { LABEL: 'precision' })
            this.CONSUME3(COMMA)
            this.SUBRULE2(this.number, { LABEL: 'scale' })
            this.CONSUME1(RPAREN)
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.identifier)
            this.OPTION2(() => {
              this.CONSUME2(LPAREN)
              this.SUBRULE1(this.typeParameter)
              this.MANY2(() => {
                this.CONSUME4(COMMA)
                this.SUBRULE2(this.typeParameter)
              })
              this.CONSUME2(RPAREN)
            })
          },
        },
      ],
    })
  })

  structTypeField = this.RULE('structTypeField', () => {
    this.SUBRULE(this.identifier)
    this.SUBRULE(this.sqlType)
  })

  typeParameter = this.RULE('typeParameter', () => {
    this.OR([{ ALT: () => this.CONSUME(INTEGER_VALUE) }, { ALT: () => this.CONSUME(K.STRING) }])
  })
}

/** The one parser instance (Chevrotain parsers are reused: assign `.input`, call a rule). */
export const parser = new EddyParser()

/** Every decision's lookahead paths, computed by Chevrotain (for the bundle's LOOKAHEAD_TABLE). */
export function recordLookaheadTable(): LookaheadTable {
  const recorder = new RecordingLookaheadStrategy({ maxLookahead: 3 })
  new EddyParser({ lookahead: recorder })
  return recorder.table
}
