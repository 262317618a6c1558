using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Schedules;

#nullable disable

namespace Resolute.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// The tables of Quartz's job store (cron schedules), from the DDL Quartz ships (create-if-missing statements).
    /// Raw SQL only: the EF model and its snapshot do not change.
    /// </summary>
    [DbContext(typeof(ResoluteDbContext))]
    [Migration("20261202014520_QuartzSchedulerTables")]
    public partial class QuartzSchedulerTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => QuartzTables.Create(migrationBuilder, QuartzTables.Sqlite);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => QuartzTables.Drop(migrationBuilder, QuartzTables.Sqlite);
    }
}
